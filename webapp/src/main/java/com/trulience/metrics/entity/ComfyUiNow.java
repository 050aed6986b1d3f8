package com.trulience.metrics.entity;

import java.time.Instant;

/**
 * A worker's newest ComfyUI state as stored (db/V17 comfyui_latest). {@code receivedAt}, {@code idleSince} and
 * {@code unreachableSamples} are the backend's, counted at receipt; {@code idleSince} is null while ComfyUI runs or
 * queues a job, or does not answer.
 */
public record ComfyUiNow(long workerId, Instant recordedAt, Instant receivedAt, boolean reachable, String version,
                         Integer jobsRunning, Integer jobsPending, String runningPromptId, Instant idleSince,
                         int unreachableSamples) {

    /** What a card says: "idle", "running job (N pending)", "N pending" or "ComfyUI unreachable", with the version. */
    public String describe() {
        if (!reachable) {
            return "ComfyUI unreachable";
        }
        String state = jobsRunning > 0 ? (jobsRunning == 1 ? "running job" : "running " + jobsRunning + " jobs")
                + " (" + jobsPending + " pending)" : jobsPending > 0 ? jobsPending + " pending" : "idle";
        return "ComfyUI " + (version == null ? "" : version + " ") + state;
    }
}
