package com.trulience.metrics.entity;

/** Fired after a batch's rows are committed: alerting and the dashboard observe it. */
public record MetricsStored(MetricsBatch batch) {
}
