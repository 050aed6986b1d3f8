package com.trulience.metrics.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.trulience.platform.control.Refused;
import org.junit.jupiter.api.Test;

class MetricTest {

    @Test
    void derivesVramAndPowerAsPercentagesOfTheCard() {
        assertEquals(50.0, Metric.vramUsedPercent(40_000, 80_000));
        assertEquals(90.0, Metric.powerDrawPercent(630, 700));
        assertEquals(110.0, Metric.powerDrawPercent(770.0, 700), 1e-9);
    }

    @Test
    void aMissingPartOrWholeDerivesNothing() {
        assertNull(Metric.powerDrawPercent(null, 700));
        assertNull(Metric.powerDrawPercent(300, null));
        assertNull(Metric.powerDrawPercent(300, 0));
        assertNull(Metric.vramUsedPercent(1, 0));
    }

    @Test
    void namesItsMetricsAndLeavesOtherNamesAsTheyAre() {
        assertEquals(Metric.POWER_DRAW_PERCENT, Metric.named("power_draw_percent").orElseThrow());
        assertEquals("VRAM used", Metric.labelOf("vram_used_percent"));
        assertEquals("gpu_missing", Metric.labelOf("gpu_missing"));
    }

    @Test
    void refusesLevelsOutsideTheRangeOrInTheWrongOrder() {
        Metric.POWER_DRAW_PERCENT.checkLevels(120, 150);
        assertThrows(Refused.class, () -> Metric.VRAM_USED_PERCENT.checkLevels(90, 101));
        assertThrows(Refused.class, () -> Metric.TEMPERATURE_CELSIUS.checkLevels(85, 85));
    }
}
