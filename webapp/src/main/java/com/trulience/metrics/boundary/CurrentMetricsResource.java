package com.trulience.metrics.boundary;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.Levels;
import com.trulience.alerts.entity.Metric;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.platform.control.DatabaseMigration;
import jakarta.annotation.Resource;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The fleet now, in one call: {@code GET /api/v1/admin/workers/metrics/current}. One query over the small
 * latest-sample table (never gpu_metrics, so its cost does not grow with history), streamed as it is read:
 * for 1,000 workers x 8 GPUs that is ~2 MB that an entity graph would first build in memory.
 */
@Path("v1/admin/workers/metrics/current")
@Produces(MediaType.APPLICATION_JSON)
public class CurrentMetricsResource {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final String FLEET = """
            SELECT w.id, w.name, w.online, w.last_seen_at, l.gpu_index, g.name, g.power_limit_watts, l.recorded_at,
                   l.vram_used_mb, l.vram_total_mb, l.temperature_celsius, l.utilization_percent, l.power_draw_watts,
                   l.fan_speed_percent
            FROM workers w
            LEFT JOIN gpu_metrics_latest l ON l.worker_id = w.id
            LEFT JOIN worker_gpus g ON g.worker_id = l.worker_id AND g.gpu_index = l.gpu_index
            ORDER BY w.name, w.id, l.gpu_index
            """;

    @PersistenceContext
    EntityManager em;

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @GET
    public StreamingOutput current() {
        var thresholds = new EffectiveThresholds(em.createNamedQuery(MetricThreshold.ALL, MetricThreshold.class).getResultList());
        return output -> {
            try (var connection = dataSource.getConnection();
                 var statement = connection.prepareStatement(FLEET);
                 var json = JSON.createGenerator(output)) {
                statement.setFetchSize(2_000);
                try (var rows = statement.executeQuery()) {
                    write(rows, thresholds, json);
                }
            } catch (SQLException e) {
                throw new IOException("current metrics query failed", e);
            }
        };
    }

    private static void write(ResultSet rows, EffectiveThresholds thresholds, JsonGenerator json) throws SQLException {
        json.writeStartObject().write("generated_at", Instant.now().toString()).writeStartArray("workers");
        long worker = -1;
        while (rows.next()) {
            if (rows.getLong(1) != worker) {
                if (worker != -1) {
                    json.writeEnd().writeEnd();
                }
                worker = rows.getLong(1);
                json.writeStartObject()
                        .write("id", worker)
                        .write("name", rows.getString(2))
                        .write("status", rows.getBoolean(3) ? "online" : "offline");
                writeTime(json, "last_seen_at", rows, 4);
                writeThresholds(thresholds, worker, json);
                json.writeStartArray("gpus");
            }
            if (rows.getObject(5) != null) {
                writeGpu(rows, json);
            }
        }
        if (worker != -1) {
            json.writeEnd().writeEnd();
        }
        json.writeEnd().writeEnd();
    }

    private static void writeGpu(ResultSet rows, JsonGenerator json) throws SQLException {
        int used = rows.getInt(9);
        int total = rows.getInt(10);
        Integer limit = (Integer) rows.getObject(7);
        Number power = (Number) rows.getObject(13);
        Number fan = (Number) rows.getObject(14);
        json.writeStartObject().write("gpu_index", rows.getInt(5));
        writeNullable(json, "name", rows.getString(6));
        writeNullable(json, "power_limit_watts", limit);
        writeTime(json, "recorded_at", rows, 8);
        json.write("vram_used_mb", used)
                .write("vram_total_mb", total)
                .write("vram_used_percent", percent(used, total))
                .write("temperature_celsius", rows.getInt(11))
                .write("utilization_percent", rows.getInt(12));
        writeNullable(json, "power_draw_watts", power);
        writeNullable(json, "power_draw_percent", power == null || limit == null || limit == 0 ? null : percent(power.intValue(), limit));
        writeNullable(json, "fan_speed_percent", fan);
        json.writeEnd();
    }

    /** The levels in force for the worker; a metric switched off has none. */
    private static void writeThresholds(EffectiveThresholds thresholds, long worker, JsonGenerator json) {
        json.writeStartObject("thresholds");
        for (var metric : Metric.values()) {
            thresholds.of(worker, metric.metricName()).filter(Levels::enabled).ifPresent(levels -> json
                    .writeStartObject(metric.metricName())
                    .write("warning", levels.warning())
                    .write("critical", levels.critical())
                    .writeEnd());
        }
        json.writeEnd();
    }

    private static void writeTime(JsonGenerator json, String name, ResultSet rows, int column) throws SQLException {
        var time = rows.getTimestamp(column);
        writeNullable(json, name, time == null ? null : time.toInstant().toString());
    }

    private static void writeNullable(JsonGenerator json, String name, Object value) {
        if (value == null) {
            json.writeNull(name);
        } else if (value instanceof String text) {
            json.write(name, text);
        } else if (value instanceof Double number) {
            json.write(name, number);
        } else {
            json.write(name, ((Number) value).longValue());
        }
    }

    private static double percent(int part, int whole) {
        return whole == 0 ? 0 : Math.round(1000.0 * part / whole) / 10.0;
    }
}
