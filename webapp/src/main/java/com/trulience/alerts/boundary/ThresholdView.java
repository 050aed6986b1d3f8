package com.trulience.alerts.boundary;

import com.trulience.alerts.control.Levels;
import com.trulience.alerts.entity.MetricThreshold;
import jakarta.json.bind.annotation.JsonbProperty;

/** source: global or worker (only in the effective view). */
public record ThresholdView(String metricName, int warningValue, int criticalValue,
                            @JsonbProperty("is_enabled") boolean isEnabled, String source) {

    static ThresholdView of(MetricThreshold row) {
        return new ThresholdView(row.metricName(), row.warningValue(), row.criticalValue(), row.enabled(),
                row.workerId() == null ? "global" : "worker");
    }

    static ThresholdView of(Levels levels) {
        return new ThresholdView(levels.metricName(), levels.warning(), levels.critical(), levels.enabled(),
                levels.overridden() ? "worker" : "global");
    }
}
