package com.trulience.restarts.entity;

/** A restart was requested or moved on (committed); the dashboard observes it. */
public record RestartChanged(long restartId, long workerId, RestartStatus status, String errorMessage) {

    /** From the row RestartLog.FAIL_OVERDUE returns, where the status is the table's text. */
    public RestartChanged(long restartId, long workerId, String status, String errorMessage) {
        this(restartId, workerId, RestartStatus.of(status), errorMessage);
    }

    public static RestartChanged of(RestartLog log) {
        return new RestartChanged(log.id(), log.workerId(), log.status(), log.errorMessage());
    }
}
