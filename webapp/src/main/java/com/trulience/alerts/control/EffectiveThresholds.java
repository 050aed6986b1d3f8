package com.trulience.alerts.control;

import com.trulience.alerts.entity.MetricThreshold;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A worker's own threshold of a metric wins over the global one. */
public final class EffectiveThresholds {

    private final Map<String, Levels> global = new HashMap<>();
    private final Map<Long, Map<String, Levels>> overrides = new HashMap<>();

    public EffectiveThresholds(List<MetricThreshold> rows) {
        for (var row : rows) {
            boolean override = row.workerId() != null;
            var levels = new Levels(row.metricName(), row.warningValue(), row.criticalValue(), row.enabled(), override);
            (override ? overrides.computeIfAbsent(row.workerId(), id -> new HashMap<>()) : global).put(row.metricName(), levels);
        }
    }

    /** Empty when neither the worker nor the global scope has a row for the metric. */
    public Optional<Levels> of(long workerId, String metricName) {
        var own = overrides.getOrDefault(workerId, Map.of()).get(metricName);
        return Optional.ofNullable(own != null ? own : global.get(metricName));
    }
}
