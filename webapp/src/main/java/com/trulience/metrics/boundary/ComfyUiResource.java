package com.trulience.metrics.boundary;

import com.trulience.metrics.control.ComfyUi;
import com.trulience.metrics.entity.ComfyUiNow;
import com.trulience.metrics.entity.ComfyUiSample;
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
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The worker's ComfyUI: {@code GET /api/v1/admin/workers/{id}/comfyui?since=&until=}, its newest state (null when its
 * agent never reported one) with the card's words, and the job counts per sample of the range (default the last hour,
 * kept for the raw window), for the worker page's chart.
 */
@Tag(name = "metrics")
@Path("v1/admin/workers/{id: [0-9]+}/comfyui")
@Produces(MediaType.APPLICATION_JSON)
public class ComfyUiResource {

    @PersistenceContext
    EntityManager em;

    @Inject
    ComfyUi comfyUi;

    public record ComfyUiView(long workerId, ComfyUiNow latest, String summary, List<ComfyUiSample> samples) {
    }

    @Operation(summary = "ComfyUI's newest state on the worker and its jobs running/pending per sample")
    @APIResponse(responseCode = "200", description = "the state and the samples, oldest first")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    public ComfyUiView get(@PathParam("id") long workerId, @QueryParam("since") String since, @QueryParam("until") String until) {
        Worker.require(em, workerId);
        Instant to = until == null ? Instant.now() : instant("until", until);
        Instant from = since == null ? to.minus(Duration.ofHours(1)) : instant("since", since);
        if (!from.isBefore(to)) {
            throw new BadRequestException("since must be before until");
        }
        var latest = comfyUi.latest(workerId).orElse(null);
        return new ComfyUiView(workerId, latest, latest == null ? null : latest.describe(), comfyUi.samples(workerId, from, to));
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be an ISO-8601 UTC timestamp such as 2026-11-28T05:00:00Z");
        }
    }
}
