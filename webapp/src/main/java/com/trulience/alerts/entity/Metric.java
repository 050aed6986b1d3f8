package com.trulience.alerts.entity;

import java.util.Arrays;
import java.util.Optional;

/** The metrics that thresholds may be set for, with the range a threshold of each must lie in. */
public enum Metric {

    TEMPERATURE_CELSIUS("temperature_celsius", "°C", 1, 150),
    VRAM_USED_PERCENT("vram_used_percent", "%", 1, 100),
    UTILIZATION_PERCENT("utilization_percent", "%", 1, 100),
    // A card may briefly draw more than its limit, so levels above 100 % are meaningful.
    POWER_DRAW_PERCENT("power_draw_percent", "%", 1, 150);

    private final String metricName;
    private final String unit;
    private final int min;
    private final int max;

    Metric(String metricName, String unit, int min, int max) {
        this.metricName = metricName;
        this.unit = unit;
        this.min = min;
        this.max = max;
    }

    public String metricName() {
        return metricName;
    }

    public String unit() {
        return unit;
    }

    public static Optional<Metric> named(String name) {
        return Arrays.stream(values()).filter(metric -> metric.metricName.equals(name)).findFirst();
    }

    /** Throws IllegalArgumentException with a message fit for an API client when the levels make no sense. */
    public void checkLevels(int warning, int critical) {
        if (warning < min || warning > max || critical < min || critical > max) {
            throw new IllegalArgumentException(metricName + ": warning_value and critical_value must be within " + min + ".." + max);
        }
        if (warning >= critical) {
            throw new IllegalArgumentException(metricName + ": warning_value must be below critical_value");
        }
    }
}
