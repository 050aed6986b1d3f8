package com.trulience.dashboard.boundary;

import com.trulience.restarts.boundary.RestartView;
import com.trulience.restarts.entity.RestartLog;
import com.trulience.restarts.entity.RestartStatus;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** A worker's latest restart as a step indicator: initiated -> waiting for job -> stopping -> restarting -> completed. */
public record RestartProgress(long id, RestartStatus status, String serviceName, String errorMessage) implements Serializable {

    /** A step and how far the restart got: done, current, todo or failed. */
    public record Step(String label, String state) implements Serializable {
    }

    /** How long a card keeps showing a finished restart's outcome. */
    static final int SHOWN_MINUTES = 60;

    private static final List<RestartStatus> STEPS = List.of(RestartStatus.INITIATED, RestartStatus.WAITING_FOR_JOB,
            RestartStatus.STOPPING, RestartStatus.RESTARTING, RestartStatus.COMPLETED);

    static RestartProgress of(RestartLog log) {
        return log == null ? null : new RestartProgress(log.id(), log.status(), log.serviceName(), log.errorMessage());
    }

    /** The newest of a worker's restarts, when a card would show it too (in flight or recently ended). */
    static RestartProgress latest(List<RestartView> newestFirst) {
        if (newestFirst.isEmpty()) {
            return null;
        }
        var log = newestFirst.get(0);
        boolean shown = log.completedAt() == null
                || log.completedAt().isAfter(OffsetDateTime.now().minusMinutes(SHOWN_MINUTES));
        return shown ? new RestartProgress(log.id(), RestartStatus.of(log.status()), log.serviceName(), log.errorMessage()) : null;
    }

    public boolean inFlight() {
        return !status.isFinal();
    }

    public boolean failed() {
        return status == RestartStatus.FAILED;
    }

    public String label() {
        return label(status);
    }

    /**
     * Steps before the current one count as done, including a waiting_for_job the agent skipped (idle or forced).
     * The log does not keep how far a failed restart got, so a failure shows as the last step, with the error.
     */
    public List<Step> steps() {
        var current = status;
        int reached = current == RestartStatus.FAILED ? 0 : STEPS.indexOf(current);
        var steps = new ArrayList<Step>();
        for (int i = 0; i < STEPS.size() - 1; i++) {
            steps.add(new Step(label(STEPS.get(i)), i < reached ? "done" : i == reached && current != RestartStatus.FAILED ? "current" : i == 0 ? "done" : "todo"));
        }
        steps.add(switch (current) {
            case COMPLETED -> new Step(label(current), "done");
            case FAILED -> new Step(label(current), "failed");
            default -> new Step(label(RestartStatus.COMPLETED), "todo");
        });
        return List.copyOf(steps);
    }

    static String label(RestartStatus status) {
        return status.wire().replace('_', ' ');
    }
}
