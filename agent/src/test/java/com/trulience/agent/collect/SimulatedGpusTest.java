package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    void reportsTheSimulatedDriver() {
        try (Gpus gpus = Gpus.open(new SimulatedNvml(1))) {
            assertEquals("simulated", gpus.driverVersion());
        }
    }
}
