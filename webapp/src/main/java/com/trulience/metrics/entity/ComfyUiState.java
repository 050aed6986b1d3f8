package com.trulience.metrics.entity;

import java.util.List;

/**
 * What the worker's ComfyUI said in one collection (the {@code comfyui} object of gpu_metrics, validated). When it
 * did not answer only {@code reachable} is set; when it did, the job counts are known.
 */
public record ComfyUiState(boolean reachable, String version, Integer jobsRunning, Integer jobsPending,
                           String runningPromptId, List<Device> devices) {

    public static final ComfyUiState UNREACHABLE = new ComfyUiState(false, null, null, null, null, List.of());

    public ComfyUiState {
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    /** ComfyUI's own torch view of one GPU; either figure may be unknown. */
    public record Device(int index, Integer torchVramTotalMb, Integer torchVramFreeMb) {
    }

    /** Reachable, and neither running nor queueing a job. */
    public boolean idle() {
        return reachable && jobsRunning == 0 && jobsPending == 0;
    }
}
