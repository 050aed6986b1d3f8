package com.trulience.metrics.entity;

import java.time.Instant;
import java.util.List;

/**
 * One {@code gpu_metrics} frame of one worker, validated: the samples of its GPUs taken at {@code recordedAt},
 * and the GPUs that the agent reported lost in that collection.
 */
public record MetricsBatch(long workerId, long seq, Instant recordedAt, List<GpuSample> samples, List<Integer> lostGpus) {

    public MetricsBatch {
        samples = List.copyOf(samples);
        lostGpus = List.copyOf(lostGpus);
    }
}
