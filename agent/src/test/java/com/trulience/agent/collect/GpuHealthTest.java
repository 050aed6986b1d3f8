package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.agent.FakeNvml;
import com.trulience.agent.nvml.Nvml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The health fields and card limits through the real JNA binding against the fake libnvidia-ml.so.1. */
class GpuHealthTest {

    private final FakeNvml fake = FakeNvml.complete();
    private final List<GpuEvent> events = new CopyOnWriteArrayList<>();

    private static final String[] AILING_H100 = {
            "count 2",
            "gpu 0 sm_clock 1410",
            "gpu 0 max_sm_clock 1980",
            "gpu 0 clocks_event_reasons 0xed",  // every throttle bit, and GpuIdle, which is none
            "gpu 0 slowdown_temperature 87",
            "gpu 0 shutdown_temperature 92",
            "gpu 0 memory_temperature 71",
            "gpu 0 ecc_uncorrected_volatile 18446744073709551615",
            "gpu 0 remapped_rows 2 1 1 1",
            "gpu 0 pcie_replay 4294967295",
            "gpu 0 power_limit 699999"};

    @Test
    void readsEveryHealthFieldOfEachSampleAndTheCardsLimitsOnce() {
        fake.script(AILING_H100);
        try (Gpus gpus = Gpus.open(fake.path())) {
            GpuHealth health = gpus.sample().gpus().get(0).health();

            assertEquals(new GpuHealth(1410, 71, List.of("sw_power_cap", "hw_slowdown", "sw_thermal_slowdown",
                    "hw_thermal_slowdown", "hw_power_brake_slowdown"), -1L, true, true, 4294967295L), health);
            assertEquals(new Inventory.Limits(87, 92, 1980), gpus.inventory().gpus().get(0).limits());
            assertEquals(700, gpus.inventory().gpus().get(0).powerLimitWatts());
            assertEquals(new GpuHealth(1970, 51, List.of(), 0L, false, false, 0L), gpus.sample().gpus().get(1).health(),
                    "the fake's defaults: a healthy card");
        }
    }

    @Test
    void followsTheClocksAndReasonsFromSampleToSample() {
        fake.script("count 1", "gpu 0 sm_clock 1980", "gpu 0 clocks_event_reasons 0x1");
        try (Gpus gpus = Gpus.open(fake.path())) {
            assertEquals(List.of(), gpus.sample().gpus().get(0).health().throttleReasons(), "idle is not throttled");

            fake.script("count 1", "gpu 0 sm_clock 1005", "gpu 0 clocks_event_reasons 0x40");
            GpuHealth hot = gpus.sample().gpus().get(0).health();

            assertEquals(1005, hot.smClockMhz());
            assertEquals(List.of("hw_thermal_slowdown"), hot.throttleReasons());
        }
    }

    @ParameterizedTest
    @CsvSource({
            "sm_clock, 3", "memory_temperature, 3", "clocks_event_reasons, 3", "ecc, 3", "remapped_rows, 3",
            "pcie_replay, 3", "sm_clock, 4", "ecc, 4", "memory_temperature, 999", "pcie_replay, 999"})
    void reportsJustTheFieldNvmlDoesNotGiveAsNull(String call, int code) {
        List<String> lines = new ArrayList<>(List.of(AILING_H100));
        lines.add("gpu 0 fail " + call + " " + code);
        fake.script(lines.toArray(String[]::new));
        try (Gpus gpus = Gpus.open(fake.path())) {
            GpuReading gpu = gpus.sample().gpus().get(0);
            GpuHealth health = gpu.health();

            assertFalse(gpu.lost(), "an optional read never makes a GPU lost");
            var fields = new java.util.LinkedHashMap<String, Function<GpuHealth, Object>>();
            fields.put("sm_clock", GpuHealth::smClockMhz);
            fields.put("memory_temperature", GpuHealth::memoryTemperatureCelsius);
            fields.put("clocks_event_reasons", GpuHealth::throttleReasons);
            fields.put("ecc", GpuHealth::eccUncorrectedVolatile);
            fields.put("remapped_rows", GpuHealth::remappedRowsPending);
            fields.put("pcie_replay", GpuHealth::pcieReplayCount);
            fields.forEach((name, field) -> {
                if (name.equals(call)) {
                    assertNull(field.apply(health), name);
                } else {
                    assertTrue(field.apply(health) != null, name + " still read");
                }
            });
            if (call.equals("remapped_rows")) {
                assertNull(health.remappedRowsFailure());
            }
            assertTrue(events.isEmpty());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"slowdown_temperature", "shutdown_temperature", "max_sm_clock", "power_limit"})
    void reportsACardLimitNvmlDoesNotGiveAsNull(String call) {
        List<String> lines = new ArrayList<>(List.of(AILING_H100));
        lines.add("gpu 0 fail " + call + " 3");
        fake.script(lines.toArray(String[]::new));
        try (Gpus gpus = Gpus.open(fake.path())) {
            Inventory.Gpu gpu = gpus.inventory().gpus().get(0);
            var limits = gpu.limits();

            assertEquals(call.equals("slowdown_temperature") ? null : 87, limits.slowdownTemperatureCelsius());
            assertEquals(call.equals("shutdown_temperature") ? null : 92, limits.shutdownTemperatureCelsius());
            assertEquals(call.equals("max_sm_clock") ? null : 1980, limits.maxSmClockMhz());
            assertEquals(call.equals("power_limit") ? null : 700, gpu.powerLimitWatts());
        }
    }

    @Test
    void readsTheReasonsByTheirOldNameAndLeavesRemappedRowsNullWhereTheDriverLacksTheCalls() {
        var old = FakeNvml.withoutOptionalSymbols();
        old.script("count 1", "gpu 0 clocks_event_reasons 0x4", "gpu 0 remapped_rows 0 0 1 0");
        try (Gpus gpus = Gpus.open(old.path())) {
            for (int round = 0; round < 2; round++) {
                GpuHealth health = gpus.sample().gpus().get(0).health();

                assertEquals(List.of("sw_power_cap"), health.throttleReasons());
                assertNull(health.remappedRowsPending());
                assertNull(health.remappedRowsFailure());
                assertEquals(1980, health.smClockMhz());
            }
        }
    }

    @Test
    void turnsAGpuThatFallsOffTheBusIntoOneGpuLostEventUntilItAnswersAgain() {
        fake.script("count 2", "gpu 1 uuid GPU-11111111-2222-3333-4444-555555555555", "gpu 1 lost_after 40");
        try (Gpus gpus = Gpus.open(fake.path())) {
            gpus.watchEvents(events::add, Duration.ofMillis(20));
            int samples = 0;
            while (!gpus.sample().gpus().get(1).lost()) {
                samples++;
            }
            gpus.sample();
            gpus.sample();

            assertTrue(samples >= 2, "answered at first: " + samples);
            assertEquals(1, events.size(), events.toString());
            GpuEvent lost = events.get(0);
            assertEquals(GpuEvent.Kind.GPU_LOST, lost.kind());
            assertEquals(1, lost.gpuIndex());
            assertEquals("GPU-11111111-2222-3333-4444-555555555555", lost.uuid());
            assertNull(lost.xid());

            fake.script("count 2", "gpu 1 uuid GPU-11111111-2222-3333-4444-555555555555");
            assertFalse(gpus.sample().gpus().get(1).lost(), "back");
            fake.script("count 2", "gpu 1 fail all 15");
            gpus.sample();
            gpus.sample();

            assertEquals(2, events.size(), "lost again after it came back: " + events);
        }
    }

    @Test
    void countsGpuIsLostFromAnOptionalReadAsAGpuLostEventAndAnyOtherFailureAsNone() {
        fake.script("count 3", "gpu 0 fail pcie_replay 15", "gpu 1 fail ecc 999", "gpu 2 fail handle 15");
        try (Gpus gpus = Gpus.open(fake.path())) {
            gpus.watchEvents(events::add, Duration.ofMillis(20));
            List<GpuReading> readings = gpus.sample().gpus();
            gpus.sample();

            assertFalse(readings.get(0).lost(), "its required reads answered");
            assertEquals(List.of(0, 2), events.stream().map(GpuEvent::gpuIndex).toList());
            assertTrue(events.stream().allMatch(event -> event.kind() == GpuEvent.Kind.GPU_LOST));
            assertNull(events.get(1).uuid(), "a GPU without a handle has no known uuid");
        }
    }

    @Test
    void namesOnlyTheBitsThatHoldTheClocksBack() {
        assertEquals(List.of(), GpuHealth.throttleReasons(0));
        assertEquals(List.of(), GpuHealth.throttleReasons(0x1 | 0x2 | 0x10 | 0x100));
        assertEquals(List.of("sw_power_cap"), GpuHealth.throttleReasons(0x4));
        assertEquals(List.of("hw_slowdown", "hw_power_brake_slowdown"), GpuHealth.throttleReasons(0x88));
        assertEquals(List.of("sw_thermal_slowdown", "hw_thermal_slowdown"), GpuHealth.throttleReasons(0x60 | 0x1));
    }

    @Test
    void describesTheFieldValueAndEventDataStructsWithTheHeadersLayout() {
        var field = new Nvml.FieldValue().prepare(Nvml.FI_DEV_MEMORY_TEMP);
        field.getPointer().setInt(24, Nvml.FieldValue.UNSIGNED_INT);  // valueType
        field.getPointer().setInt(28, 0);                             // nvmlReturn
        field.getPointer().setLong(32, 0xFFFF_FFFFL);                 // value.uiVal, the rest of the union zero
        var event = new Nvml.EventData();
        event.getPointer().setLong(8, Nvml.EVENT_TYPE_XID_CRITICAL_ERROR);
        event.getPointer().setLong(16, 79);

        assertEquals(40, field.size());
        assertEquals(Nvml.FI_DEV_MEMORY_TEMP, field.getPointer().getInt(0));
        assertEquals(0, field.returnCode());
        assertEquals(4294967295L, field.wholeNumber());
        assertEquals(32, event.size());
        assertEquals(Nvml.EVENT_TYPE_XID_CRITICAL_ERROR, event.type());
        assertEquals(79, event.data());
    }
}
