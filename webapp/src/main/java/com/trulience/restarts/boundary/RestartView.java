package com.trulience.restarts.boundary;

import com.trulience.restarts.entity.RestartByAdmin;
import com.trulience.restarts.entity.RestartLog;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.Serializable;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A restart or action as the API shows it; {@code initiated_by} is the admin's user name ({@code system} for an
 * automatic free_memory, which names its alert in {@code alert_id}).
 */
public record RestartView(long id, long workerId, String action, String serviceName, String status, String reason, boolean force,
                          long initiatedById, String initiatedBy, OffsetDateTime startedAt, OffsetDateTime completedAt,
                          String errorMessage, Integer vramBeforeMb, Integer vramAfterMb, Long alertId) implements Serializable {

    /** The worker's restarts, newest first (API history and worker page). */
    public static List<RestartView> ofWorker(EntityManager em, long workerId, int limit) {
        return em.createNamedQuery(RestartLog.BY_WORKER, RestartByAdmin.class)
                .setParameter("workerId", workerId)
                .setMaxResults(limit)
                .getResultStream()
                .map(row -> of(row.log(), row.username()))
                .toList();
    }

    public static RestartView of(RestartLog log, String username) {
        return new RestartView(log.id(), log.workerId(), log.action().wire(), log.serviceName(), log.status().wire(),
                log.reason(), log.force(), log.initiatedBy(), username, log.startedAt(), log.completedAt(), log.errorMessage(),
                log.vramBeforeMb(), log.vramAfterMb(), log.alertId());
    }

    /** The answer to a request that started a restart or action: 202 with the row, Location naming it. */
    static Response accepted(RestartLog log, String username, UriInfo uri) {
        return Response.accepted(of(log, username))
                .location(URI.create(uri.getBaseUri() + "v1/admin/restarts/" + log.id()))
                .build();
    }
}
