package com.trulience.restarts.entity;

/**
 * An agent says where its restart or action {@code restartId} is now; {@code errorMessage} only with failed. The VRAM
 * figures are an action's (free_memory): null when the agent has none, always null for a restart.
 */
public record StatusReport(long restartId, RestartStatus status, String errorMessage, Integer vramBeforeMb,
                           Integer vramAfterMb) {

    public StatusReport(long restartId, RestartStatus status, String errorMessage) {
        this(restartId, status, errorMessage, null, null);
    }
}
