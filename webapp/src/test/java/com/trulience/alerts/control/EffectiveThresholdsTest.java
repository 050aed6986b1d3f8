package com.trulience.alerts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.metrics.entity.Metric;
import java.util.List;
import org.junit.jupiter.api.Test;

class EffectiveThresholdsTest {

    private static final long WORKER = 7;

    private final EffectiveThresholds thresholds = new EffectiveThresholds(List.of(
            new MetricThreshold(null, Metric.TEMPERATURE_CELSIUS, 70, 85, true),
            new MetricThreshold(null, Metric.VRAM_USED_PERCENT, 85, 95, true),
            new MetricThreshold(WORKER, Metric.TEMPERATURE_CELSIUS, 80, 90, false),
            new MetricThreshold(WORKER + 1, Metric.UTILIZATION_PERCENT, 95, 99, true)));

    @Test
    void aWorkersOwnLevelWinsOverTheGlobalOne() {
        var own = thresholds.of(WORKER, Metric.TEMPERATURE_CELSIUS).orElseThrow();
        assertEquals(80, own.warning());
        assertTrue(own.overridden());
        assertFalse(own.enabled());
        assertEquals(70, thresholds.of(WORKER + 1, Metric.TEMPERATURE_CELSIUS).orElseThrow().warning());
        assertTrue(thresholds.of(WORKER, Metric.POWER_DRAW_PERCENT).isEmpty());
    }

    @Test
    void listsAWorkersLevelsInMetricOrderAndItsOverridesByWorker() {
        assertEquals(List.of(Metric.TEMPERATURE_CELSIUS, Metric.VRAM_USED_PERCENT), List.copyOf(thresholds.of(WORKER).keySet()));
        assertEquals(List.of(Metric.TEMPERATURE_CELSIUS, Metric.VRAM_USED_PERCENT, Metric.UTILIZATION_PERCENT),
                List.copyOf(thresholds.of(WORKER + 1).keySet()));
        assertEquals(2, thresholds.globalRows().size());
        assertEquals(List.of(WORKER, WORKER + 1), List.copyOf(thresholds.overridesByWorker().keySet()));
        assertEquals("utilization_percent", thresholds.overridesOf(WORKER + 1).get(0).metricName());
    }
}
