package com.trulience.restarts.entity;

import java.util.Locale;
import java.util.Set;

/** The states of a restart or action (DESIGN.md section 2, README) and the only ways forward between them. */
public enum RestartStatus {
    INITIATED, WAITING_FOR_JOB, STOPPING, RESTARTING, RUNNING, COMPLETED, FAILED;

    public static RestartStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED;
    }

    /** Where a restart may go from here; an agent skips waiting_for_job when ComfyUI is idle or the restart is forced. */
    public Set<RestartStatus> next() {
        return switch (this) {
            case INITIATED -> Set.of(WAITING_FOR_JOB, STOPPING, FAILED);
            case WAITING_FOR_JOB -> Set.of(STOPPING, FAILED);
            case STOPPING -> Set.of(RESTARTING, FAILED);
            case RESTARTING -> Set.of(COMPLETED, FAILED);
            case RUNNING, COMPLETED, FAILED -> Set.of();
        };
    }

    /** Where an action of this kind may go from here: free_memory and interrupt step through running only. */
    public Set<RestartStatus> next(Action action) {
        if (action == Action.RESTART) {
            return next();
        }
        return switch (this) {
            case INITIATED -> Set.of(RUNNING, COMPLETED, FAILED);
            case RUNNING -> Set.of(COMPLETED, FAILED);
            default -> Set.of();
        };
    }
}
