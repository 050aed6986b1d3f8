package com.trulience.restarts.boundary;

import com.trulience.restarts.entity.RestartLog;
import java.time.OffsetDateTime;

/** A restart as the API shows it; {@code initiated_by} is the admin's user name. */
public record RestartView(long id, long workerId, String serviceName, String status, String reason, boolean force,
                          long initiatedById, String initiatedBy, OffsetDateTime startedAt, OffsetDateTime completedAt,
                          String errorMessage) {

    static RestartView of(RestartLog log, String username) {
        return new RestartView(log.id(), log.workerId(), log.serviceName(), log.status(), log.reason(), log.force(),
                log.initiatedBy(), username, log.startedAt(), log.completedAt(), log.errorMessage());
    }
}
