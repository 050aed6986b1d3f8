package com.trulience.metrics.control;

import com.trulience.metrics.entity.GpuHealth;
import com.trulience.metrics.entity.GpuProcesses;
import com.trulience.metrics.entity.Metric;
import com.trulience.workers.entity.CardLimits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every worker with the latest sample of each of its GPUs, from one query over the small latest-sample table
 * (never gpu_metrics, so its cost does not grow with history). Handed out one worker at a time, so that the API
 * can stream 1,000 workers without holding them all, and the dashboard can collect them.
 */
public final class CurrentFleet {

    private static final String SELECT = """
            SELECT w.id, w.name, w.online, w.last_seen_at, l.gpu_index, g.name, g.power_limit_watts, l.recorded_at,
                   l.vram_used_mb, l.vram_total_mb, l.temperature_celsius, l.utilization_percent, l.power_draw_watts,
                   l.fan_speed_percent, w.hostname, g.uuid, l.sm_clock_mhz, l.memory_temperature_celsius, l.throttle_reasons,
                   l.ecc_uncorrected_volatile, l.remapped_rows_pending, l.remapped_rows_failure, l.pcie_replay_count,
                   g.slowdown_temperature_celsius, g.shutdown_temperature_celsius, g.max_sm_clock_mhz,
                   g.enforced_power_limit_watts, w.clock_offset_ms,
                   p.processes::text, p.other_count, p.other_vram_used_mb
            FROM workers w
            LEFT JOIN gpu_metrics_latest l ON l.worker_id = w.id
            LEFT JOIN gpu_processes_latest p ON p.worker_id = l.worker_id AND p.gpu_index = l.gpu_index
            LEFT JOIN worker_gpus g ON g.worker_id = l.worker_id AND g.gpu_index = l.gpu_index
            """;
    private static final String ORDER = " ORDER BY w.name, w.id, l.gpu_index";
    private static final String FLEET = SELECT + ORDER;
    private static final String SOME = SELECT + " WHERE w.id = ANY(?)" + ORDER;
    /** The order in which {@link #read} hands out the workers, without their GPUs. */
    private static final String WORKER_ORDER = "SELECT id FROM workers ORDER BY name, id";

    public record GpuNow(int gpuIndex, String name, Integer powerLimitWatts, Instant recordedAt, int vramUsedMb,
                         int vramTotalMb, int temperatureCelsius, int utilizationPercent, Integer powerDrawWatts,
                         Integer fanSpeedPercent, String uuid, GpuHealth health, CardLimits limits, GpuProcesses processes) {

        public GpuNow {
            processes = processes == null ? GpuProcesses.NOT_REPORTED : processes;
        }

        /** To a tenth, as the API and the gauges show it. */
        public double vramUsedPercent() {
            Double percent = Metric.vramUsedPercent(vramUsedMb, vramTotalMb);
            return percent == null ? 0 : tenths(percent);
        }

        /** The card's slowdown temperature minus its temperature; null for a card without a slowdown temperature. */
        public Integer temperatureMarginCelsius() {
            Double margin = Metric.temperatureMarginCelsius(limits.slowdownTemperatureCelsius(), temperatureCelsius);
            return margin == null ? null : margin.intValue();
        }

        /** To a tenth; null when the card reports no draw or no limit. */
        public Double powerDrawPercent() {
            Double percent = Metric.powerDrawPercent(powerDrawWatts, powerLimitWatts);
            return percent == null ? null : tenths(percent);
        }
    }

    /** {@code clockOffsetMs}: how far ahead the agent's clock was in its newest batch; null within the tolerance. */
    public record WorkerNow(long id, String name, String hostname, boolean online, Instant lastSeenAt, Long clockOffsetMs,
                            List<GpuNow> gpus) {

        public WorkerNow {
            gpus = List.copyOf(gpus);
        }
    }

    private CurrentFleet() {
    }

    public static void read(Connection connection, Consumer<WorkerNow> each) throws SQLException {
        try (var statement = connection.prepareStatement(FLEET)) {
            read(statement, each);
        }
    }

    /** The given workers only (those that exist), in the same order: one query by primary key. */
    public static void read(Connection connection, Collection<Long> workerIds, Consumer<WorkerNow> each) throws SQLException {
        try (var statement = connection.prepareStatement(SOME)) {
            statement.setArray(1, connection.createArrayOf("bigint", workerIds.toArray(Long[]::new)));
            read(statement, each);
        }
    }

    /** Every worker's id, in the order of {@link #read}. */
    public static List<Long> order(Connection connection) throws SQLException {
        var ids = new ArrayList<Long>();
        try (var statement = connection.prepareStatement(WORKER_ORDER); var rows = statement.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    private static void read(PreparedStatement statement, Consumer<WorkerNow> each) throws SQLException {
        statement.setFetchSize(2_000);
        try (var rows = statement.executeQuery()) {
            WorkerNow worker = null;
            var gpus = new ArrayList<GpuNow>();
            while (rows.next()) {
                if (worker == null || rows.getLong(1) != worker.id()) {
                    if (worker != null) {
                        each.accept(new WorkerNow(worker.id(), worker.name(), worker.hostname(), worker.online(), worker.lastSeenAt(),
                                worker.clockOffsetMs(), gpus));
                    }
                    worker = new WorkerNow(rows.getLong(1), rows.getString(2), rows.getString(15), rows.getBoolean(3),
                            instant(rows.getTimestamp(4)), (Long) rows.getObject(28), List.of());
                    gpus.clear();
                }
                if (rows.getObject(5) != null) {
                    gpus.add(gpu(rows));
                }
            }
            if (worker != null) {
                each.accept(new WorkerNow(worker.id(), worker.name(), worker.hostname(), worker.online(), worker.lastSeenAt(),
                                worker.clockOffsetMs(), gpus));
            }
        }
    }

    public static List<WorkerNow> all(Connection connection) throws SQLException {
        var workers = new ArrayList<WorkerNow>();
        read(connection, workers::add);
        return workers;
    }

    private static GpuNow gpu(ResultSet rows) throws SQLException {
        return new GpuNow(rows.getInt(5), rows.getString(6), integer(rows.getObject(7)), instant(rows.getTimestamp(8)),
                rows.getInt(9), rows.getInt(10), rows.getInt(11), rows.getInt(12), integer(rows.getObject(13)),
                integer(rows.getObject(14)), rows.getString(16), new GpuHealth(integer(rows.getObject(17)), integer(rows.getObject(18)),
                integer(rows.getObject(19)), longOrNull(rows.getObject(20)), (Boolean) rows.getObject(21),
                (Boolean) rows.getObject(22), longOrNull(rows.getObject(23))),
                new CardLimits(integer(rows.getObject(24)), integer(rows.getObject(25)), integer(rows.getObject(26)),
                        integer(rows.getObject(27))), processes(rows));
    }

    private static Long longOrNull(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    private static GpuProcesses processes(ResultSet rows) throws SQLException {
        String listed = rows.getString(29);
        return listed == null ? GpuProcesses.NOT_REPORTED
                : new GpuProcesses(ProcessJson.read(listed), rows.getInt(30), integer(rows.getObject(31)));
    }

    private static Integer integer(Object value) {
        return value == null ? null : ((Number) value).intValue();
    }

    private static Instant instant(Timestamp time) {
        return time == null ? null : time.toInstant();
    }

    private static double tenths(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
