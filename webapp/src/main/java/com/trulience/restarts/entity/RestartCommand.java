package com.trulience.restarts.entity;

/** What the agent needs to carry out an initiated restart or action; {@code reason} may be null. */
public record RestartCommand(long restartId, Action action, String serviceName, boolean force, String reason) {

    /** From the row RestartLog.CLAIM_COMMAND returns, where the action is the table's text. */
    public RestartCommand(long restartId, String action, String serviceName, boolean force, String reason) {
        this(restartId, Action.named(action).orElseThrow(), serviceName, force, reason);
    }
}
