package com.trulience.alerts.control;

import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.metrics.entity.Metric;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** A worker's own threshold of a metric wins over the global one. Keeps the rows it was made of, in their order, for views that list them. */
public final class EffectiveThresholds {

    private final List<MetricThreshold> rows;
    private final Map<String, Levels> global = new HashMap<>();
    private final Map<Long, Map<String, Levels>> overrides = new HashMap<>();

    public EffectiveThresholds(List<MetricThreshold> rows) {
        this.rows = List.copyOf(rows);
        for (var row : rows) {
            boolean override = row.workerId() != null;
            var levels = new Levels(row.metricName(), row.warningValue(), row.criticalValue(), row.enabled(), override);
            (override ? overrides.computeIfAbsent(row.workerId(), id -> new HashMap<>()) : global).put(row.metricName(), levels);
        }
    }

    /** Empty when neither the worker nor the global scope has a row for the metric. */
    public Optional<Levels> of(long workerId, Metric metric) {
        var own = overrides.getOrDefault(workerId, Map.of()).get(metric.metricName());
        return Optional.ofNullable(own != null ? own : global.get(metric.metricName()));
    }

    /** The levels in force for the worker in {@link Metric}'s order; a metric without a row in either scope is absent. */
    public Map<Metric, Levels> of(long workerId) {
        var levels = new EnumMap<Metric, Levels>(Metric.class);
        for (var metric : Metric.values()) {
            of(workerId, metric).ifPresent(found -> levels.put(metric, found));
        }
        return levels;
    }

    public List<MetricThreshold> globalRows() {
        return rows.stream().filter(row -> row.workerId() == null).toList();
    }

    public List<MetricThreshold> overridesOf(long workerId) {
        return rows.stream().filter(row -> Objects.equals(row.workerId(), workerId)).toList();
    }

    /** The overrides of every worker that has any, by worker id. */
    public Map<Long, List<MetricThreshold>> overridesByWorker() {
        var byWorker = new TreeMap<Long, List<MetricThreshold>>();
        rows.stream().filter(row -> row.workerId() != null).forEach(row -> byWorker.computeIfAbsent(row.workerId(),
                id -> new ArrayList<>()).add(row));
        return byWorker;
    }
}
