package com.trulience.metrics.entity;

import java.time.Instant;

/** Job counts of one sample, for the worker page's chart; null counts when ComfyUI did not answer. */
public record ComfyUiSample(Instant recordedAt, boolean reachable, Integer jobsRunning, Integer jobsPending) {
}
