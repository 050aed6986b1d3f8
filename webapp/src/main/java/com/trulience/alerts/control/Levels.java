package com.trulience.alerts.control;

import com.trulience.metrics.entity.Metric;
import java.io.Serializable;

/** A metric's effective warning and critical levels for one worker; disabled switches the metric off. */
public record Levels(String metricName, int warning, int critical, boolean enabled, boolean overridden) implements Serializable {

    public Metric metric() {
        return Metric.named(metricName).orElseThrow(() -> new IllegalStateException("unknown metric " + metricName));
    }

    /** {@code critical}, {@code warning} or {@code ok}: the reading against these levels, in the metric's direction. */
    public String levelOf(double reading) {
        var metric = metric();
        return metric.reached(reading, critical) ? "critical" : metric.reached(reading, warning) ? "warning" : "ok";
    }
}
