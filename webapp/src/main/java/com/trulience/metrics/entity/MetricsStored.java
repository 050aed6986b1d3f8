package com.trulience.metrics.entity;

import java.util.List;

/**
 * Fired once per committed group (see BatchWriter), carrying every batch in it: alerting and the dashboard
 * observe it. One event per group, not per batch: each asynchronous event costs a context capture that,
 * measured, dominated the write path when fired per frame.
 */
public record MetricsStored(List<MetricsBatch> batches) {

    public MetricsStored {
        batches = List.copyOf(batches);
    }
}
