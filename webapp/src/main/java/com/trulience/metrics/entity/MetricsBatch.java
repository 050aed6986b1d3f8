package com.trulience.metrics.entity;

import java.time.Instant;
import java.util.List;

/**
 * One {@code gpu_metrics} frame of one worker, validated: the samples of its GPUs taken at {@code recordedAt},
 * and the GPUs that the agent reported lost in that collection. {@code clockOffsetMs} is how far ahead of the
 * backend the agent's timestamp was when that was beyond the tolerance; {@code recordedAt} is then the time the
 * backend received it. Null when the agent's timestamp was kept. {@code comfyui} is null when the agent does not
 * watch ComfyUI (no COMFYUI_URL set).
 */
public record MetricsBatch(long workerId, long seq, Instant recordedAt, List<GpuSample> samples, List<Integer> lostGpus,
                           Long clockOffsetMs, ComfyUiState comfyui) {

    public MetricsBatch {
        samples = List.copyOf(samples);
        lostGpus = List.copyOf(lostGpus);
    }

    public MetricsBatch(long workerId, long seq, Instant recordedAt, List<GpuSample> samples, List<Integer> lostGpus,
                        Long clockOffsetMs) {
        this(workerId, seq, recordedAt, samples, lostGpus, clockOffsetMs, null);
    }

    /** A batch stamped by a clock within the tolerance. */
    public MetricsBatch(long workerId, long seq, Instant recordedAt, List<GpuSample> samples, List<Integer> lostGpus) {
        this(workerId, seq, recordedAt, samples, lostGpus, null);
    }

    public boolean clockCorrected() {
        return clockOffsetMs != null;
    }
}
