package com.trulience.alerts.boundary;

import com.trulience.alerts.entity.Alert;
import com.trulience.workers.entity.Worker;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Alerts, newest first: open ones, resolved history, or both. */
@Tag(name = "alerts")
@Path("v1/admin/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertsResource {

    static final int MAX_LIMIT = 1000;

    @PersistenceContext
    EntityManager em;

    public record AlertView(long id, long workerId, Integer gpuIndex, String metricName, String severity, String state,
                            Double value, Integer thresholdValue, String message, OffsetDateTime openedAt,
                            OffsetDateTime lastNotifiedAt, OffsetDateTime resolvedAt) {

        public static AlertView of(Alert alert) {
            return new AlertView(alert.id(), alert.workerId(), alert.gpuIndex() == null ? null : alert.gpuIndex().intValue(),
                    alert.metricName(), alert.severity().wire(), alert.state(), alert.value(), alert.thresholdValue(), alert.message(),
                    alert.openedAt(), alert.lastNotifiedAt(), alert.resolvedAt());
        }

        /** Newest first (API and pages); state open, resolved or all; workerId 0 for every worker. */
        public static List<AlertView> list(EntityManager em, String state, long workerId, int limit) {
            return em.createNamedQuery(Alert.LIST, Alert.class)
                    .setParameter("state", state)
                    .setParameter("workerId", workerId)
                    .setMaxResults(limit)
                    .getResultStream()
                    .map(AlertView::of)
                    .toList();
        }
    }

    @Operation(summary = "Alerts, open, resolved or all, newest first")
    @APIResponse(responseCode = "200", description = "the alerts")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @GET
    public List<AlertView> list(@QueryParam("state") @DefaultValue("all") String state,
                                @QueryParam("worker_id") Long workerId,
                                @QueryParam("limit") @DefaultValue("200") int limit) {
        if (!Set.of("open", "resolved", "all").contains(state)) {
            throw new BadRequestException("state must be open, resolved or all");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit must be 1.." + MAX_LIMIT);
        }
        if (workerId != null) {
            Worker.require(em, workerId);
        }
        return AlertView.list(em, state, workerId == null ? 0L : workerId, limit);
    }
}
