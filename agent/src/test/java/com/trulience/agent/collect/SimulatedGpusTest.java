package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.ptr.PointerByReference;
import com.trulience.agent.nvml.Nvml;
import com.trulience.agent.nvml.NvmlReturn;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SimulatedGpusTest {

    private final AtomicLong clock = new AtomicLong(1_790_000_000_000L);

    @Test
    void simulatesTheAskedNumberOfPlausibleGpusMarkedAsSimulated() {
        try (Gpus gpus = Gpus.open(new SimulatedNvml(4, clock::get))) {
            for (int minute = 0; minute < 60; minute++) {
                clock.addAndGet(60_000);
                List<GpuReading> readings = gpus.sample().gpus();

                assertEquals(4, readings.size());
                for (GpuReading gpu : readings) {
                    assertAll(
                            () -> assertTrue(gpu.name().startsWith("Simulated GPU " + gpu.index())),
                            () -> assertTrue(gpu.vramUsedMib() > 0 && gpu.vramUsedMib() < gpu.vramTotalMib()),
                            () -> assertEquals(49_152, gpu.vramTotalMib()),
                            () -> assertTrue(gpu.temperatureCelsius() >= 35 && gpu.temperatureCelsius() <= 80),
                            () -> assertTrue(gpu.utilizationPercent() >= 0 && gpu.utilizationPercent() <= 100),
                            () -> assertTrue(gpu.powerDrawWatts() > 0 && gpu.powerDrawWatts() <= gpu.powerLimitWatts()),
                            () -> assertEquals(350, gpu.powerLimitWatts()));
                }
                assertNotNull(readings.get(0).fanSpeedPercent());
                assertNull(readings.get(1).fanSpeedPercent(), "passively cooled");
            }
        }
    }

    @Test
    void changesSlowlyBetweenTwoSamplesOfTheDefaultInterval() {
        try (Gpus gpus = Gpus.open(new SimulatedNvml(2, clock::get))) {
            GpuReading before = gpus.sample().gpus().get(0);
            clock.addAndGet(5_000);
            GpuReading after = gpus.sample().gpus().get(0);

            assertTrue(Math.abs(after.utilizationPercent() - before.utilizationPercent()) <= 5);
            assertTrue(Math.abs(after.temperatureCelsius() - before.temperatureCelsius()) <= 2);
        }
    }

    @Test
    void simulatesPlausibleHealthThatThrottlesWhenHotAndCardLimits() {
        try (Gpus gpus = Gpus.open(new SimulatedNvml(2, clock::get))) {
            assertEquals(new Inventory.Limits(88, 93, 2520), gpus.inventory().gpus().get(0).limits());
            boolean sawThermalSlowdown = false;
            for (int minute = 0; minute < 20; minute++) {
                clock.addAndGet(60_000);
                for (GpuReading gpu : gpus.sample().gpus()) {
                    GpuHealth health = gpu.health();
                    assertAll(
                            () -> assertTrue(health.smClockMhz() >= 210 && health.smClockMhz() <= 2520, health.toString()),
                            () -> assertEquals(gpu.temperatureCelsius() >= SimulatedNvml.THERMAL_SLOWDOWN_FROM_CELSIUS, health.throttleReasons().contains("sw_thermal_slowdown")),
                            () -> assertEquals(0L, health.eccUncorrectedVolatile()),
                            () -> assertEquals(false, health.remappedRowsPending()),
                            () -> assertEquals(false, health.remappedRowsFailure()),
                            () -> assertEquals(0L, health.pcieReplayCount()));
                    sawThermalSlowdown |= health.throttleReasons().contains("sw_thermal_slowdown");
                    if (gpu.index() == 0) {
                        assertEquals(gpu.temperatureCelsius() + 6, health.memoryTemperatureCelsius());
                    } else {
                        assertNull(health.memoryTemperatureCelsius(), "no HBM sensor");
                    }
                }
            }
            assertTrue(sawThermalSlowdown, "within 20 minutes a GPU runs hot");
        }
    }

    @Test
    void deliversAScriptedXidOnceWhenItIsDue() {
        var nvml = new SimulatedNvml(2, List.of(new SimulatedNvml.Xid(1, 79, Duration.ofSeconds(120))), clock::get);
        nvml.nvmlInit_v2();
        var set = new PointerByReference();
        var data = new Nvml.EventData();
        assertEquals(0, nvml.nvmlEventSetCreate(set));

        clock.addAndGet(119_999);
        assertEquals(NvmlReturn.TIMEOUT.code, nvml.nvmlEventSetWait_v2(set.getValue(), data, 1));
        clock.addAndGet(1);
        assertEquals(0, nvml.nvmlEventSetWait_v2(set.getValue(), data, 1));
        assertEquals(Nvml.EVENT_TYPE_XID_CRITICAL_ERROR, data.type());
        assertEquals(79, data.data());
        assertEquals(2, com.sun.jna.Pointer.nativeValue(data.devicePointer()), "GPU 1's handle");
        assertEquals(NvmlReturn.TIMEOUT.code, nvml.nvmlEventSetWait_v2(set.getValue(), data, 1), "once");
    }

    @Test
    void hasTheScriptedXidReachTheSinkWithTheGpusUuid() throws InterruptedException {
        BlockingQueue<GpuEvent> events = new LinkedBlockingQueue<>();
        try (Gpus gpus = Gpus.open(new SimulatedNvml(2, List.of(new SimulatedNvml.Xid(1, 79, Duration.ZERO)), clock::get))) {
            gpus.watchEvents(events::add, Duration.ofMillis(20));

            GpuEvent event = events.poll(30, TimeUnit.SECONDS);

            assertNotNull(event);
            assertEquals(GpuEvent.xid(event.timestamp(), 1, "GPU-51a7e000-0000-4000-8000-000000000001", 79), event);
        }
    }

    @Test
    void reportsTheSimulatedDriver() {
        try (Gpus gpus = Gpus.open(new SimulatedNvml(1))) {
            assertEquals("simulated", gpus.driverVersion());
        }
    }
}
