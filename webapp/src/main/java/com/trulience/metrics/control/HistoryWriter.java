package com.trulience.metrics.control;

import jakarta.json.stream.JsonGenerator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a planned history query and streams it as JSON, one column array per metric and GPU, which is what a chart
 * plots and a fraction of the size of one object per point.
 */
public final class HistoryWriter {

    private static final String RAW = """
            SELECT gpu_index, recorded_at, 1, temperature_celsius, temperature_celsius, utilization_percent, utilization_percent,
                   vram_used_mb, vram_used_mb, vram_total_mb, power_draw_watts, power_draw_watts, fan_speed_percent
            FROM gpu_metrics
            WHERE worker_id = ? AND recorded_at >= ? AND recorded_at < ? AND (?::smallint IS NULL OR gpu_index = ?)
            ORDER BY gpu_index, recorded_at
            """;

    private static final String RAW_BUCKETS = """
            SELECT gpu_index, date_bin(make_interval(secs => ?), recorded_at, ?) AS bucket, COUNT(*),
                   AVG(temperature_celsius), MAX(temperature_celsius), AVG(utilization_percent), MAX(utilization_percent),
                   AVG(vram_used_mb), MAX(vram_used_mb), MAX(vram_total_mb), AVG(power_draw_watts), MAX(power_draw_watts),
                   AVG(fan_speed_percent)
            FROM gpu_metrics
            WHERE worker_id = ? AND recorded_at >= ? AND recorded_at < ? AND (?::smallint IS NULL OR gpu_index = ?)
            GROUP BY 1, 2 ORDER BY 1, 2
            """;

    private static final String HOURLY_BUCKETS = """
            SELECT gpu_index, date_bin(make_interval(secs => ?), hour, ?) AS bucket, SUM(samples),
                   SUM(temperature_celsius_sum)::float8 / SUM(samples), MAX(temperature_celsius_max),
                   SUM(utilization_percent_sum)::float8 / SUM(samples), MAX(utilization_percent_max),
                   SUM(vram_used_mb_sum)::float8 / SUM(samples), MAX(vram_used_mb_max), MAX(vram_total_mb),
                   SUM(power_draw_watts_sum)::float8 / NULLIF(SUM(power_draw_samples), 0), MAX(power_draw_watts_max),
                   SUM(fan_speed_percent_sum)::float8 / NULLIF(SUM(fan_speed_samples), 0)
            FROM gpu_metrics_hourly
            WHERE worker_id = ? AND hour >= date_trunc('hour', ?::timestamptz, 'UTC') AND hour < ? AND (?::smallint IS NULL OR gpu_index = ?)
            GROUP BY 1, 2 ORDER BY 1, 2
            """;

    /** Column arrays of one GPU; the names are the response's. */
    private static final String[] COLUMNS = {"time", "samples", "temperature_celsius", "temperature_celsius_max",
        "utilization_percent", "utilization_percent_max", "vram_used_mb", "vram_used_mb_max", "vram_total_mb",
        "power_draw_watts", "power_draw_watts_max", "fan_speed_percent"};

    private HistoryWriter() {
    }

    public static void write(Connection connection, HistoryQuery query, JsonGenerator json) throws SQLException {
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
        String sql = query.source() == HistoryQuery.Source.HOURLY ? HOURLY_BUCKETS : query.aggregated() ? RAW_BUCKETS : RAW;
        try (var statement = connection.prepareStatement(sql)) {
            int parameter = 1;
            if (query.aggregated()) {
                statement.setLong(parameter++, query.bucketSeconds());
                statement.setTimestamp(parameter++, Timestamp.from(query.since()));
            }
            statement.setLong(parameter++, query.workerId());
            statement.setTimestamp(parameter++, Timestamp.from(query.since()));
            statement.setTimestamp(parameter++, Timestamp.from(query.until()));
            statement.setObject(parameter++, query.gpuIndex(), java.sql.Types.SMALLINT);
            statement.setObject(parameter, query.gpuIndex(), java.sql.Types.SMALLINT);
            statement.setFetchSize(5_000);
            try (var rows = statement.executeQuery()) {
                writeGpus(rows, query.aggregated(), json);
            }
        }
        json.writeEnd().writeEnd();
    }

    private static void writeGpus(ResultSet rows, boolean aggregated, JsonGenerator json) throws SQLException {
        var columns = new ArrayList<List<Object>>();
        int gpu = -1;
        while (rows.next()) {
            if (rows.getInt(1) != gpu) {
                if (gpu >= 0) {
                    writeGpu(gpu, columns, aggregated, json);
                }
                gpu = rows.getInt(1);
                columns.clear();
                for (int i = 0; i < COLUMNS.length; i++) {
                    columns.add(new ArrayList<>());
                }
            }
            columns.get(0).add(rows.getTimestamp(2).toInstant().toString());
            for (int i = 1; i < COLUMNS.length; i++) {
                columns.get(i).add(rows.getObject(i + 2));
            }
        }
        if (gpu >= 0) {
            writeGpu(gpu, columns, aggregated, json);
        }
    }

    private static void writeGpu(int gpu, List<List<Object>> columns, boolean aggregated, JsonGenerator json) {
        json.writeStartObject().write("gpu_index", gpu);
        for (int i = 0; i < COLUMNS.length; i++) {
            // single samples have no count and no separate maximum
            if (!aggregated && (COLUMNS[i].equals("samples") || COLUMNS[i].endsWith("_max"))) {
                continue;
            }
            json.writeStartArray(COLUMNS[i]);
            for (Object value : columns.get(i)) {
                writeValue(json, value);
            }
            json.writeEnd();
        }
        json.writeEnd();
    }

    private static void writeValue(JsonGenerator json, Object value) {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof String text) {
            json.write(text);
        } else if (value instanceof Double || value instanceof java.math.BigDecimal) {
            json.write(Math.round(((Number) value).doubleValue() * 10) / 10.0);
        } else {
            json.write(((Number) value).longValue());
        }
    }
}
