package com.trulience.metrics.entity;

import java.time.Instant;
import java.util.List;

/**
 * Fired once per committed group (see BatchWriter), carrying every batch in it: alerting and the dashboard
 * observe it. One event per group, not per batch: each asynchronous event costs a context capture that,
 * measured, dominated the write path when fired per frame. {@code seenAt} is the {@code last_seen_at} the group's
 * transaction gave its workers (its NOW()), null when it touched none.
 */
public record MetricsStored(List<MetricsBatch> batches, Instant seenAt) {

    public MetricsStored {
        batches = List.copyOf(batches);
    }

    /** A group whose workers' {@code last_seen_at} is not known (none of them exists any more). */
    public MetricsStored(List<MetricsBatch> batches) {
        this(batches, null);
    }
}
