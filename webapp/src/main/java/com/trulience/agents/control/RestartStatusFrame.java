package com.trulience.agents.control;

/** An agent's {@code restart_status}: where its restart {@code restartId} is now. */
public record RestartStatusFrame(long restartId, String status, String errorMessage) {
}
