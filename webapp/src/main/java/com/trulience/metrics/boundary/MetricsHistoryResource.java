package com.trulience.metrics.boundary;

import com.trulience.metrics.control.HistoryQuery;
import com.trulience.metrics.control.HistoryWriter;
import com.trulience.platform.control.DatabaseMigration;
import com.trulience.workers.entity.Worker;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** History of one worker's GPUs for charts: {@code GET /api/v1/admin/workers/{id}/metrics}. */
@Path("v1/admin/workers/{id}/metrics")
@Produces(MediaType.APPLICATION_JSON)
public class MetricsHistoryResource {

    static final int DEFAULT_MAX_POINTS = 2_000;
    static final int MAX_MAX_POINTS = 20_000;
    private static final JsonProvider JSON = JsonProvider.provider();

    @PersistenceContext
    EntityManager em;

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    @ConfigProperty(name = "metrics.retention.hours", defaultValue = "24")
    int rawRetentionHours;

    @GET
    public StreamingOutput history(@PathParam("id") long workerId, @QueryParam("since") String since,
                                   @QueryParam("until") String until, @QueryParam("gpu_index") Integer gpuIndex,
                                   @QueryParam("max_points") Integer maxPoints) {
        Instant now = Instant.now();
        Instant to = until == null ? now : instant("until", until);
        Instant from = since == null ? to.minus(Duration.ofHours(1)) : instant("since", since);
        if (!from.isBefore(to)) {
            throw new BadRequestException("since must be before until");
        }
        if (gpuIndex != null && (gpuIndex < 0 || gpuIndex > 63)) {
            throw new BadRequestException("gpu_index must be 0..63");
        }
        int points = maxPoints == null ? DEFAULT_MAX_POINTS : maxPoints;
        if (points < 10 || points > MAX_MAX_POINTS) {
            throw new BadRequestException("max_points must be 10.." + MAX_MAX_POINTS);
        }
        var worker = em.find(Worker.class, workerId);
        if (worker == null) {
            throw new NotFoundException("no worker with id " + workerId);
        }
        // Retention keeps raw rows back to the start of the hour that far back (it drops whole hours).
        var rawWindowStart = now.minus(Duration.ofHours(rawRetentionHours)).truncatedTo(ChronoUnit.HOURS);
        var query = HistoryQuery.plan(workerId, from, to, gpuIndex, points, rawWindowStart, worker.intervalSeconds());
        return output -> {
            try (var connection = dataSource.getConnection(); var json = JSON.createGenerator(output)) {
                HistoryWriter.write(connection, query, json);
            } catch (SQLException e) {
                throw new IOException("history query failed", e);
            }
        };
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be an ISO-8601 UTC timestamp such as 2026-11-28T05:00:00Z");
        }
    }
}
