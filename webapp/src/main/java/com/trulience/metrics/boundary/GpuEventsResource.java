package com.trulience.metrics.boundary;

import com.trulience.metrics.control.GpuEvents;
import com.trulience.workers.entity.Worker;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * A worker's GPU events (Xid, double-bit ECC, GPU lost), newest first, each with the Xid catalog's meaning and action:
 * {@code GET /api/v1/admin/workers/{id}/events?since=&until=&limit=}. Without since, everything kept (the hourly
 * retention); without until, up to now.
 */
@Path("v1/admin/workers/{id}/events")
@Produces(MediaType.APPLICATION_JSON)
public class GpuEventsResource {

    static final int DEFAULT_LIMIT = 100;

    @PersistenceContext
    EntityManager em;

    @Inject
    GpuEvents events;

    @Operation(summary = "A worker's GPU events, newest first, with meaning and action")
    @APIResponse(responseCode = "200", description = "the events")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    public List<GpuEvents.StoredEvent> list(@PathParam("id") long workerId, @QueryParam("since") String since,
                                            @QueryParam("until") String until, @QueryParam("limit") Integer limit) {
        Instant to = until == null ? Instant.now().plusSeconds(1) : instant("until", until);
        Instant from = since == null ? Instant.EPOCH : instant("since", since);
        if (!from.isBefore(to)) {
            throw new BadRequestException("since must be before until");
        }
        int count = limit == null ? DEFAULT_LIMIT : limit;
        if (count < 1 || count > GpuEvents.MAX_LIMIT) {
            throw new BadRequestException("limit must be 1.." + GpuEvents.MAX_LIMIT);
        }
        Worker.require(em, workerId);
        return events.of(workerId, from, to, count);
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be an ISO-8601 UTC timestamp such as 2026-11-28T05:00:00Z");
        }
    }
}
