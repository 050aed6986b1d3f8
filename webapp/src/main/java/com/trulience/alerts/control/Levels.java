package com.trulience.alerts.control;

import com.trulience.metrics.entity.Metric;
import java.io.Serializable;

/** A metric's effective warning and critical levels for one worker; disabled switches the metric off. */
public record Levels(String metricName, int warning, int critical, boolean enabled, boolean overridden) implements Serializable {

    public Metric metric() {
        return Metric.named(metricName).orElseThrow(() -> new IllegalStateException("unknown metric " + metricName));
    }
}
