package com.trulience.metrics.entity;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Fired synchronously by the batch writer for each group it takes from its queue, in the order it takes them and
 * before writing them; {@code committed} completes once the group is committed (exceptionally when it is not).
 * One worker's batches therefore reach an observer in the order they arrived, even though two writer threads commit
 * groups concurrently: alert evaluation, whose consecutive-sample counts need that order, observes it. Observers
 * must only hand the group on (the writer thread waits for them).
 */
public record MetricsWriting(List<MetricsBatch> batches, CompletionStage<Void> committed) {

    public MetricsWriting {
        batches = List.copyOf(batches);
    }
}
