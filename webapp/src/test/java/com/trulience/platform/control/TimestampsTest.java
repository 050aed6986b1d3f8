package com.trulience.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    private static final Instant AT = Instant.parse("2026-12-02T06:02:43.989003Z");

    @Test
    void everyTypeAProviderHandsOverIsTheSameInstant() {
        assertEquals(AT, Timestamps.instant(AT), "Hibernate 6");
        assertEquals(AT, Timestamps.instant(Timestamp.from(AT)), "EclipseLink");
        assertEquals(AT, Timestamps.instant(AT.atOffset(ZoneOffset.ofHours(2))));
        assertEquals(AT, Timestamps.instant(AT.atZone(ZoneId.of("Europe/Berlin"))));
        assertNull(Timestamps.instant(null));
    }

    @Test
    void anythingElseSaysWhatCame() {
        var refused = assertThrows(IllegalStateException.class, () -> Timestamps.instant("2026-12-02"));
        assertEquals("a timestamptz column came as java.lang.String: 2026-12-02", refused.getMessage());
    }
}
