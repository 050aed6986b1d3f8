package com.trulience.metrics.boundary;

import com.trulience.platform.control.JsonP;
import com.trulience.metrics.control.GpuHistory;
import com.trulience.metrics.control.History;
import com.trulience.metrics.control.HistoryQuery;
import com.trulience.metrics.control.Processes;
import com.trulience.workers.entity.Worker;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * History of one worker's GPUs for charts: {@code GET /api/v1/admin/workers/{id}/metrics}. Streamed GPU by GPU as one
 * column array per metric, which is what a chart plots and a fraction of the size of one object per point. With
 * {@code include=top_processes} also who held the most VRAM in each hour of the range (at most
 * {@link Processes#TOP_PER_HOUR} per GPU and hour).
 */
@Tag(name = "metrics")
@Path("v1/admin/workers/{id}/metrics")
@Produces(MediaType.APPLICATION_JSON)
public class MetricsHistoryResource {

    static final int DEFAULT_MAX_POINTS = 2_000;
    static final int MAX_MAX_POINTS = 20_000;
    static final String TOP_PROCESSES = "top_processes";
    private static final JsonProvider JSON = JsonP.PROVIDER;

    private record Column(String name, Function<GpuHistory.Point, Number> value) {

        /** Single samples have no count and no separate maximum. */
        boolean onlyAggregated() {
            return name.equals("samples") || name.endsWith("_max");
        }
    }

    /** The response's columns after {@code time}, in order. */
    private static final List<Column> COLUMNS = List.of(
            new Column("samples", GpuHistory.Point::samples),
            new Column("temperature_celsius", GpuHistory.Point::temperatureCelsius),
            new Column("temperature_celsius_max", GpuHistory.Point::temperatureCelsiusMax),
            new Column("utilization_percent", GpuHistory.Point::utilizationPercent),
            new Column("utilization_percent_max", GpuHistory.Point::utilizationPercentMax),
            new Column("vram_used_mb", GpuHistory.Point::vramUsedMb),
            new Column("vram_used_mb_max", GpuHistory.Point::vramUsedMbMax),
            new Column("vram_total_mb", GpuHistory.Point::vramTotalMb),
            new Column("power_draw_watts", GpuHistory.Point::powerDrawWatts),
            new Column("power_draw_watts_max", GpuHistory.Point::powerDrawWattsMax),
            new Column("fan_speed_percent", GpuHistory.Point::fanSpeedPercent),
            new Column("sm_clock_mhz", GpuHistory.Point::smClockMhz),
            new Column("memory_temperature_celsius", GpuHistory.Point::memoryTemperatureCelsius));

    @PersistenceContext
    EntityManager em;

    @Inject
    History history;

    @Inject
    Processes processes;

    @Operation(summary = "A worker's metric history: raw samples or hourly summaries, aggregated past max_points")
    @APIResponse(responseCode = "200", description = "the history")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    public StreamingOutput history(@PathParam("id") long workerId, @QueryParam("since") String since,
                                   @QueryParam("until") String until, @QueryParam("gpu_index") Integer gpuIndex,
                                   @QueryParam("max_points") Integer maxPoints, @QueryParam("include") String include) {
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
        if (include != null && !include.equals(TOP_PROCESSES)) {
            throw new BadRequestException("include must be " + TOP_PROCESSES);
        }
        var worker = Worker.require(em, workerId);
        return output -> {
            try (var json = JSON.createGenerator(output)) {
                var query = history.plan(worker, from, to, gpuIndex, points, now);
                writeHead(query, json);
                var times = new HashMap<Instant, String>();
                history.read(query, gpu -> write(gpu, query.aggregated(), times, json));
                json.writeEnd();
                if (include != null) {
                    json.writeStartArray(TOP_PROCESSES);
                    processes.topHourly(workerId, from, to, gpuIndex, holder -> write(holder, json));
                    json.writeEnd();
                }
                json.writeEnd();
            } catch (SQLException e) {
                throw new IOException("history query failed", e);
            }
        };
    }

    private static void writeHead(HistoryQuery query, JsonGenerator json) {
        json.writeStartObject()
                .write("worker_id", query.workerId())
                .write("since", query.since().toString())
                .write("until", query.until().toString())
                .write("source", query.source().name().toLowerCase())
                .write("aggregated", query.aggregated());
        if (query.aggregated()) {
            json.write("bucket_seconds", query.bucketSeconds());
        } else {
            json.writeNull("bucket_seconds");
        }
        json.writeStartArray("gpus");
    }

    /**
     * {@code times}: the texts of the times written so far. A worker's GPUs share their times (one frame, one
     * bucket), so each is formatted once per response; at most {@link #MAX_MAX_POINTS} are kept.
     */
    private static void write(GpuHistory gpu, boolean aggregated, Map<Instant, String> times, JsonGenerator json) {
        json.writeStartObject().write("gpu_index", gpu.gpuIndex()).writeStartArray("time");
        for (var point : gpu.points()) {
            if (times.size() > MAX_MAX_POINTS) {
                times.clear();
            }
            json.write(times.computeIfAbsent(point.time(), Instant::toString));
        }
        json.writeEnd();
        for (var column : COLUMNS) {
            if (aggregated || !column.onlyAggregated()) {
                json.writeStartArray(column.name());
                gpu.points().forEach(point -> write(column.value().apply(point), json));
                json.writeEnd();
            }
        }
        json.writeEnd();
    }

    private static void write(Processes.HourlyHolder holder, JsonGenerator json) {
        json.writeStartObject().write("hour", holder.hour().toString()).write("gpu_index", holder.gpuIndex());
        for (var field : new String[][] {{"name", holder.name()}, {"unit", holder.unit()}, {"container", holder.container()}}) {
            if (field[1] == null) {
                json.writeNull(field[0]);
            } else {
                json.write(field[0], field[1]);
            }
        }
        json.write("samples", holder.samples()).write("vram_used_mb_max", holder.vramUsedMbMax())
                .write("vram_used_mb_avg", holder.vramUsedMbAvg()).writeEnd();
    }

    private static void write(Number value, JsonGenerator json) {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof BigDecimal decimal) {
            json.write(decimal);
        } else if (value instanceof Double fraction) {
            json.write(fraction.doubleValue());
        } else {
            json.write(value.longValue());
        }
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be an ISO-8601 UTC timestamp such as 2026-11-28T05:00:00Z");
        }
    }
}
