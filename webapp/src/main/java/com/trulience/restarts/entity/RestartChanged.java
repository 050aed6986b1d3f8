package com.trulience.restarts.entity;

/** A restart was requested or moved on (committed); the dashboard observes it. */
public record RestartChanged(long restartId, long workerId, String status, String errorMessage) {

    public static RestartChanged of(RestartLog log) {
        return new RestartChanged(log.id(), log.workerId(), log.status(), log.errorMessage());
    }
}
