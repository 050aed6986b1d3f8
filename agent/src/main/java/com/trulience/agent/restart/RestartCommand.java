package com.trulience.agent.restart;

/**
 * The backend's {@code restart} frame as received; {@code serviceName} is untrusted text (null when missing) that
 * {@link Restarter} checks before anything is done with it.
 */
public record RestartCommand(long restartId, String serviceName, boolean force, String reason) {
}
