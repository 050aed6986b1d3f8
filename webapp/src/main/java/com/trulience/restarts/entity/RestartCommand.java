package com.trulience.restarts.entity;

/** What the agent needs to carry out an initiated restart; {@code reason} may be null. */
public record RestartCommand(long restartId, String serviceName, boolean force, String reason) {
}
