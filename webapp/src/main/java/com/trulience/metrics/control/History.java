package com.trulience.metrics.control;

import com.trulience.platform.control.DatabaseMigration;
import com.trulience.workers.entity.Worker;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A worker's GPU history, for the history API and the worker page alike: plans the request ({@link HistoryQuery})
 * against the raw window that retention leaves, then reads it as one {@link GpuHistory} per GPU.
 */
@ApplicationScoped
public class History {

    private static final String RAW = """
            SELECT gpu_index, recorded_at, 1, temperature_celsius, temperature_celsius, utilization_percent, utilization_percent,
                   vram_used_mb, vram_used_mb, vram_total_mb, power_draw_watts, power_draw_watts, fan_speed_percent,
                   sm_clock_mhz, memory_temperature_celsius
            FROM gpu_metrics
            WHERE worker_id = ? AND recorded_at >= ? AND recorded_at < ? AND (?::smallint IS NULL OR gpu_index = ?)
            ORDER BY gpu_index, recorded_at
            """;

    private static final String RAW_BUCKETS = """
            SELECT gpu_index, date_bin(make_interval(secs => ?), recorded_at, ?) AS bucket, COUNT(*),
                   AVG(temperature_celsius), MAX(temperature_celsius), AVG(utilization_percent), MAX(utilization_percent),
                   AVG(vram_used_mb), MAX(vram_used_mb), MAX(vram_total_mb), AVG(power_draw_watts), MAX(power_draw_watts),
                   AVG(fan_speed_percent), AVG(sm_clock_mhz), AVG(memory_temperature_celsius)
            FROM gpu_metrics
            WHERE worker_id = ? AND recorded_at >= ? AND recorded_at < ? AND (?::smallint IS NULL OR gpu_index = ?)
            GROUP BY 1, 2 ORDER BY 1, 2
            """;

    private static final String HOURLY_BUCKETS = summaryBuckets("gpu_metrics_hourly", "hour");

    static final String MINUTE_BUCKETS = summaryBuckets("gpu_metrics_minute", "minute");

    /**
     * One-minute buckets are the minute rows themselves: the same figures as {@link #MINUTE_BUCKETS} (and labelled
     * by the same date_bin, which puts each minute in a bucket of its own), without grouping, summing and sorting
     * them; read in the primary key's order (worker, GPU, minute).
     */
    static final String MINUTE_ROWS = """
            SELECT gpu_index, date_bin(make_interval(secs => ?), minute, ?) AS bucket, samples,
                   temperature_celsius_sum::float8 / samples, temperature_celsius_max,
                   utilization_percent_sum::float8 / samples, utilization_percent_max,
                   vram_used_mb_sum::float8 / samples, vram_used_mb_max, vram_total_mb,
                   power_draw_watts_sum::float8 / NULLIF(power_draw_samples, 0), power_draw_watts_max,
                   fan_speed_percent_sum::float8 / NULLIF(fan_speed_samples, 0),
                   sm_clock_mhz_sum::float8 / NULLIF(sm_clock_samples, 0),
                   memory_temperature_celsius_sum::float8 / NULLIF(memory_temperature_samples, 0)
            FROM gpu_metrics_minute
            WHERE worker_id = ? AND minute >= date_trunc('minute', ?::timestamptz, 'UTC') AND minute < ? AND (?::smallint IS NULL OR gpu_index = ?)
            ORDER BY gpu_index, minute
            """;

    private static final String MINUTES_FROM = "SELECT started_at FROM minute_rollup_start";

    /**
     * The most rows of one GPU in the range, and the rows read, reading no more than the limit: when as many as
     * (maxPoints + 1) for each GPU there may be were read, some GPU has more than maxPoints of them.
     */
    private static final String RAW_ROWS_PER_GPU = """
            SELECT COALESCE(MAX(rows), 0), COALESCE(SUM(rows), 0) FROM (
                SELECT COUNT(*) AS rows FROM (
                    SELECT gpu_index FROM gpu_metrics
                    WHERE worker_id = ? AND recorded_at >= ? AND recorded_at < ? AND (?::smallint IS NULL OR gpu_index = ?::smallint)
                    LIMIT ?
                ) limited GROUP BY gpu_index
            ) per_gpu
            """;

    /** The agent protocol's bound (agents' FrameParser.MAX_GPUS): no worker reports more GPUs. */
    private static final int MAX_GPUS = 64;
    private static final int FETCH_SIZE = 5_000;

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    @ConfigProperty(name = "metrics.retention.hours", defaultValue = "24")
    int rawRetentionHours;

    /** When the per-minute summaries began (db/V18); it never changes, so it is read once. */
    private volatile Instant minutesFrom;

    /**
     * The plan for the worker's GPUs (or one of them) from since to until, as the raw window stands at now. Raw
     * samples only when what is stored, not only what the agent announced, fits in {@code maxPoints} per GPU.
     */
    public HistoryQuery plan(Worker worker, Instant since, Instant until, Integer gpuIndex, int maxPoints, Instant now)
            throws SQLException {
        var query = HistoryQuery.plan(worker.id(), since, until, gpuIndex, maxPoints,
                HistoryQuery.rawWindowStart(now, rawRetentionHours), worker.intervalSeconds());
        if (query.source() == HistoryQuery.Source.RAW && !query.aggregated() && moreRawRowsThan(query)) {
            query = query.bucketed();
        }
        return query.aggregated() ? query.onMinutes(minutesFrom()) : query;
    }

    private Instant minutesFrom() throws SQLException {
        if (minutesFrom == null) {
            try (var connection = dataSource.getConnection(); var statement = connection.prepareStatement(MINUTES_FROM);
                 var rows = statement.executeQuery()) {
                rows.next();
                minutesFrom = rows.getTimestamp(1).toInstant();
            }
        }
        return minutesFrom;
    }

    private boolean moreRawRowsThan(HistoryQuery query) throws SQLException {
        long limit = (query.maxPoints() + 1L) * (query.gpuIndex() == null ? MAX_GPUS : 1);
        try (var connection = dataSource.getConnection(); var statement = connection.prepareStatement(RAW_ROWS_PER_GPU)) {
            statement.setLong(1, query.workerId());
            statement.setTimestamp(2, Timestamp.from(query.since()));
            statement.setTimestamp(3, Timestamp.from(query.until()));
            statement.setObject(4, query.gpuIndex(), Types.SMALLINT);
            statement.setObject(5, query.gpuIndex(), Types.SMALLINT);
            statement.setLong(6, limit);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1) > query.maxPoints() || rows.getLong(2) >= limit;
            }
        }
    }

    public List<GpuHistory> read(HistoryQuery query) throws SQLException {
        var gpus = new ArrayList<GpuHistory>();
        read(query, gpus::add);
        return gpus;
    }

    /** Hands the GPUs on one at a time, in index order, so that the API streams them without holding them all. */
    public void read(HistoryQuery query, Consumer<GpuHistory> each) throws SQLException {
        String sql = sql(query);
        try (var connection = dataSource.getConnection()) {
            // PostgreSQL's driver streams with a cursor only inside a transaction; otherwise it buffers every row
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try {
                read(connection, sql, query, each);
            } finally {
                // read only: nothing to keep
                connection.rollback();
                connection.setReadOnly(false);
                connection.setAutoCommit(true);
            }
        }
    }

    static String sql(HistoryQuery query) {
        return switch (query.source()) {
            case HOURLY -> HOURLY_BUCKETS;
            case MINUTE -> query.bucketSeconds() == 60 ? MINUTE_ROWS : MINUTE_BUCKETS;
            case RAW -> query.aggregated() ? RAW_BUCKETS : RAW;
        };
    }

    static void read(Connection connection, String sql, HistoryQuery query, Consumer<GpuHistory> each)
            throws SQLException {
        try (var statement = connection.prepareStatement(sql)) {
            int parameter = 1;
            if (query.aggregated()) {
                statement.setLong(parameter++, query.bucketSeconds());
                statement.setTimestamp(parameter++, Timestamp.from(query.since()));
            }
            statement.setLong(parameter++, query.workerId());
            statement.setTimestamp(parameter++, Timestamp.from(query.since()));
            statement.setTimestamp(parameter++, Timestamp.from(query.until()));
            statement.setObject(parameter++, query.gpuIndex(), Types.SMALLINT);
            statement.setObject(parameter, query.gpuIndex(), Types.SMALLINT);
            statement.setFetchSize(FETCH_SIZE);
            try (var rows = statement.executeQuery()) {
                var grouping = new Grouping(each);
                while (rows.next()) {
                    grouping.add(rows.getInt(1), point(rows));
                }
                grouping.finish();
            }
        }
    }

    private static GpuHistory.Point point(ResultSet rows) throws SQLException {
        return new GpuHistory.Point(rows.getTimestamp(2).toInstant(), number(rows.getObject(3)), number(rows.getObject(4)),
                number(rows.getObject(5)), number(rows.getObject(6)), number(rows.getObject(7)), number(rows.getObject(8)),
                number(rows.getObject(9)), number(rows.getObject(10)), number(rows.getObject(11)), number(rows.getObject(12)),
                number(rows.getObject(13)), number(rows.getObject(14)), number(rows.getObject(15)));
    }

    /**
     * Averages to a tenth (what a chart can show), as a decimal of one place: written as it is (41.3), without
     * the binary double's shortest-digits search, which was a large part of writing a day's JSON. Whole numbers
     * as Long.
     */
    static Number number(Object column) {
        if (column == null) {
            return null;
        }
        if (column instanceof Double || column instanceof BigDecimal) {
            return BigDecimal.valueOf(Math.round(((Number) column).doubleValue() * 10), 1);
        }
        return ((Number) column).longValue();
    }

    /** Rows ordered by GPU and time become one history per GPU, handed on as soon as the next GPU's rows begin. */
    static final class Grouping {

        private final Consumer<GpuHistory> each;
        private final List<GpuHistory.Point> points = new ArrayList<>();
        private int gpu = -1;

        Grouping(Consumer<GpuHistory> each) {
            this.each = each;
        }

        void add(int gpuIndex, GpuHistory.Point point) {
            if (gpuIndex != gpu) {
                finish();
                gpu = gpuIndex;
            }
            points.add(point);
        }

        void finish() {
            if (!points.isEmpty()) {
                each.accept(new GpuHistory(gpu, points));
                points.clear();
            }
        }
    }

    /**
     * Buckets over a summary table (hourly or per minute: the same sums, counts and maxima, keyed by the start of its
     * {@code unit}); both names are this class's constants, never input.
     */
    private static String summaryBuckets(String table, String unit) {
        return """
                SELECT gpu_index, date_bin(make_interval(secs => ?), %2$s, ?) AS bucket, SUM(samples),
                       SUM(temperature_celsius_sum)::float8 / SUM(samples), MAX(temperature_celsius_max),
                       SUM(utilization_percent_sum)::float8 / SUM(samples), MAX(utilization_percent_max),
                       SUM(vram_used_mb_sum)::float8 / SUM(samples), MAX(vram_used_mb_max), MAX(vram_total_mb),
                       SUM(power_draw_watts_sum)::float8 / NULLIF(SUM(power_draw_samples), 0), MAX(power_draw_watts_max),
                       SUM(fan_speed_percent_sum)::float8 / NULLIF(SUM(fan_speed_samples), 0),
                       SUM(sm_clock_mhz_sum)::float8 / NULLIF(SUM(sm_clock_samples), 0),
                       SUM(memory_temperature_celsius_sum)::float8 / NULLIF(SUM(memory_temperature_samples), 0)
                FROM %1$s
                WHERE worker_id = ? AND %2$s >= date_trunc('%2$s', ?::timestamptz, 'UTC') AND %2$s < ? AND (?::smallint IS NULL OR gpu_index = ?)
                GROUP BY 1, 2 ORDER BY 1, 2
                """.formatted(table, unit);
    }
}
