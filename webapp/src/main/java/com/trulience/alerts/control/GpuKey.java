package com.trulience.alerts.control;

/** One GPU of one worker. */
public record GpuKey(long workerId, int gpuIndex) {
}
