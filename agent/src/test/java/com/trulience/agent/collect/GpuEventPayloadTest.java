package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class GpuEventPayloadTest {

    private static final Instant AT = Instant.parse("2026-12-01T20:28:11.123456Z");

    @Test
    void writesAnXidWithItsCodeAndTheMillisecond() {
        assertEquals("{\"type\":\"gpu_event\",\"seq\":1043,\"timestamp\":\"2026-12-01T20:28:11.123Z\",\"gpu_index\":1,"
                        + "\"uuid\":\"GPU-1b2c3d4e-0000-1111-2222-333344445555\",\"kind\":\"xid\",\"xid\":79}",
                GpuEventPayload.json(1043, GpuEvent.xid(AT, 1, "GPU-1b2c3d4e-0000-1111-2222-333344445555", 79)));
    }

    @Test
    void writesNullForTheXidOfOtherKindsAndForAnUnknownUuid() {
        assertEquals("{\"type\":\"gpu_event\",\"seq\":7,\"timestamp\":\"2026-12-01T20:28:11.123Z\",\"gpu_index\":0,"
                        + "\"uuid\":null,\"kind\":\"gpu_lost\",\"xid\":null}",
                GpuEventPayload.json(7, GpuEvent.of(AT, 0, null, GpuEvent.Kind.GPU_LOST)));
        assertEquals("{\"type\":\"gpu_event\",\"seq\":8,\"timestamp\":\"2026-12-01T20:28:11Z\",\"gpu_index\":3,"
                        + "\"uuid\":\"GPU-c\",\"kind\":\"ecc_double_bit\",\"xid\":null}",
                GpuEventPayload.json(8, GpuEvent.of(Instant.parse("2026-12-01T20:28:11Z"), 3, "GPU-c", GpuEvent.Kind.ECC_DOUBLE_BIT)));
    }

    @Test
    void refusesAnXidOnAnEventOfAnotherKindAndAnXidEventWithoutOne() {
        assertThrows(IllegalArgumentException.class, () -> new GpuEvent(AT, 0, null, GpuEvent.Kind.GPU_LOST, 79L));
        assertThrows(IllegalArgumentException.class, () -> new GpuEvent(AT, 0, null, GpuEvent.Kind.XID, null));
    }
}
