package com.trulience.retention.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The statements of retention. Raw samples live in hourly partitions of gpu_metrics named gpu_metrics_pYYYYMMDDHH
 * (UTC); an hour leaves the raw window by being detached, folded into gpu_metrics_hourly and dropped, all without
 * a DELETE on the table that ingestion writes to. One piece although over 250 lines: every statement that takes a
 * lock on the partitioned table is here, so the lock timeout and the order of the locks are kept in one place.
 */
final class RetentionSql {

    static final String PARTITION_PREFIX = "gpu_metrics_p";
    /** How long retention DDL may make others wait for a lock it queues for: the write path's worst stall. */
    static final Duration LOCK_TIMEOUT = Duration.ofMillis(100);
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final DateTimeFormatter PARTITION_HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

    /** Adds to an hour what an earlier pass or a late batch already put there, instead of overwriting it. */
    private static final String FOLD = """
            INSERT INTO gpu_metrics_hourly AS h (worker_id, gpu_index, hour, samples,
                vram_used_mb_min, vram_used_mb_max, vram_used_mb_sum, vram_total_mb,
                temperature_celsius_min, temperature_celsius_max, temperature_celsius_sum,
                utilization_percent_min, utilization_percent_max, utilization_percent_sum,
                power_draw_samples, power_draw_watts_min, power_draw_watts_max, power_draw_watts_sum,
                fan_speed_samples, fan_speed_percent_min, fan_speed_percent_max, fan_speed_percent_sum,
                sm_clock_samples, sm_clock_mhz_min, sm_clock_mhz_max, sm_clock_mhz_sum,
                memory_temperature_samples, memory_temperature_celsius_min, memory_temperature_celsius_max,
                memory_temperature_celsius_sum, throttle_reasons_seen, throttled_samples,
                first_recorded_at, last_recorded_at)
            SELECT worker_id, gpu_index, date_trunc('hour', recorded_at, 'UTC'), COUNT(*),
                MIN(vram_used_mb), MAX(vram_used_mb), SUM(vram_used_mb), MAX(vram_total_mb),
                MIN(temperature_celsius), MAX(temperature_celsius), SUM(temperature_celsius),
                MIN(utilization_percent), MAX(utilization_percent), SUM(utilization_percent),
                COUNT(power_draw_watts), MIN(power_draw_watts), MAX(power_draw_watts), SUM(power_draw_watts),
                COUNT(fan_speed_percent), MIN(fan_speed_percent), MAX(fan_speed_percent), SUM(fan_speed_percent),
                COUNT(sm_clock_mhz), MIN(sm_clock_mhz), MAX(sm_clock_mhz), SUM(sm_clock_mhz),
                COUNT(memory_temperature_celsius), MIN(memory_temperature_celsius), MAX(memory_temperature_celsius),
                SUM(memory_temperature_celsius), BIT_OR(throttle_reasons), COUNT(*) FILTER (WHERE throttle_reasons <> 0),
                MIN(recorded_at), MAX(recorded_at)
            FROM %s
            GROUP BY 1, 2, 3
            ON CONFLICT (worker_id, gpu_index, hour) DO UPDATE SET
                samples = h.samples + EXCLUDED.samples,
                vram_used_mb_min = LEAST(h.vram_used_mb_min, EXCLUDED.vram_used_mb_min),
                vram_used_mb_max = GREATEST(h.vram_used_mb_max, EXCLUDED.vram_used_mb_max),
                vram_used_mb_sum = h.vram_used_mb_sum + EXCLUDED.vram_used_mb_sum,
                vram_total_mb = GREATEST(h.vram_total_mb, EXCLUDED.vram_total_mb),
                temperature_celsius_min = LEAST(h.temperature_celsius_min, EXCLUDED.temperature_celsius_min),
                temperature_celsius_max = GREATEST(h.temperature_celsius_max, EXCLUDED.temperature_celsius_max),
                temperature_celsius_sum = h.temperature_celsius_sum + EXCLUDED.temperature_celsius_sum,
                utilization_percent_min = LEAST(h.utilization_percent_min, EXCLUDED.utilization_percent_min),
                utilization_percent_max = GREATEST(h.utilization_percent_max, EXCLUDED.utilization_percent_max),
                utilization_percent_sum = h.utilization_percent_sum + EXCLUDED.utilization_percent_sum,
                power_draw_samples = h.power_draw_samples + EXCLUDED.power_draw_samples,
                power_draw_watts_min = LEAST(h.power_draw_watts_min, EXCLUDED.power_draw_watts_min),
                power_draw_watts_max = GREATEST(h.power_draw_watts_max, EXCLUDED.power_draw_watts_max),
                power_draw_watts_sum = CASE WHEN h.power_draw_samples + EXCLUDED.power_draw_samples = 0 THEN NULL
                           ELSE COALESCE(h.power_draw_watts_sum, 0) + COALESCE(EXCLUDED.power_draw_watts_sum, 0) END,
                fan_speed_samples = h.fan_speed_samples + EXCLUDED.fan_speed_samples,
                fan_speed_percent_min = LEAST(h.fan_speed_percent_min, EXCLUDED.fan_speed_percent_min),
                fan_speed_percent_max = GREATEST(h.fan_speed_percent_max, EXCLUDED.fan_speed_percent_max),
                fan_speed_percent_sum = CASE WHEN h.fan_speed_samples + EXCLUDED.fan_speed_samples = 0 THEN NULL
                           ELSE COALESCE(h.fan_speed_percent_sum, 0) + COALESCE(EXCLUDED.fan_speed_percent_sum, 0) END,
                sm_clock_samples = h.sm_clock_samples + EXCLUDED.sm_clock_samples,
                sm_clock_mhz_min = LEAST(h.sm_clock_mhz_min, EXCLUDED.sm_clock_mhz_min),
                sm_clock_mhz_max = GREATEST(h.sm_clock_mhz_max, EXCLUDED.sm_clock_mhz_max),
                sm_clock_mhz_sum = CASE WHEN h.sm_clock_samples + EXCLUDED.sm_clock_samples = 0 THEN NULL
                           ELSE COALESCE(h.sm_clock_mhz_sum, 0) + COALESCE(EXCLUDED.sm_clock_mhz_sum, 0) END,
                memory_temperature_samples = h.memory_temperature_samples + EXCLUDED.memory_temperature_samples,
                memory_temperature_celsius_min = LEAST(h.memory_temperature_celsius_min, EXCLUDED.memory_temperature_celsius_min),
                memory_temperature_celsius_max = GREATEST(h.memory_temperature_celsius_max, EXCLUDED.memory_temperature_celsius_max),
                memory_temperature_celsius_sum = CASE WHEN h.memory_temperature_samples + EXCLUDED.memory_temperature_samples = 0
                           THEN NULL ELSE COALESCE(h.memory_temperature_celsius_sum, 0)
                                          + COALESCE(EXCLUDED.memory_temperature_celsius_sum, 0) END,
                -- BIT_OR of no bits is NULL: the OR of NULL and bits keeps the bits
                throttle_reasons_seen = CASE WHEN h.throttle_reasons_seen IS NULL THEN EXCLUDED.throttle_reasons_seen
                           WHEN EXCLUDED.throttle_reasons_seen IS NULL THEN h.throttle_reasons_seen
                           ELSE h.throttle_reasons_seen | EXCLUDED.throttle_reasons_seen END,
                throttled_samples = h.throttled_samples + EXCLUDED.throttled_samples,
                first_recorded_at = LEAST(h.first_recorded_at, EXCLUDED.first_recorded_at),
                last_recorded_at = GREATEST(h.last_recorded_at, EXCLUDED.last_recorded_at)
            """;

    /**
     * The agent replays in order what it has no ack for, so what was stored of an hour is the span up to where it
     * was cut off, and what never arrived lies after it. (A batch refused in the middle of a span and replayed
     * after its hour was folded is taken for a replay too: the one case this cannot tell apart.)
     */
    private static final String DROP_REPLAYS = """
            DELETE FROM late_samples l USING gpu_metrics_hourly h
            WHERE h.worker_id = l.worker_id AND h.gpu_index = l.gpu_index AND h.hour = date_trunc('hour', l.recorded_at, 'UTC')
              AND l.recorded_at BETWEEN h.first_recorded_at AND h.last_recorded_at
            """;

    private RetentionSql() {
    }

    static String partitionName(Instant hour) {
        return PARTITION_PREFIX + PARTITION_HOUR.format(hour);
    }

    /**
     * The hours that need a partition: from the current hour to {@code hoursAhead} ahead, and every hour from
     * {@code repairFrom} on whose samples landed in the default partition because its partition was missing.
     */
    static List<Instant> hoursWithoutPartition(Connection connection, Instant now, int hoursAhead, Instant repairFrom)
            throws SQLException {
        var hours = new TreeSet<Instant>();
        Instant first = now.truncatedTo(ChronoUnit.HOURS);
        Instant end = first.plus(hoursAhead + 1L, ChronoUnit.HOURS);
        for (Instant hour = first; hour.isBefore(end); hour = hour.plus(1, ChronoUnit.HOURS)) {
            hours.add(hour);
        }
        try (var statement = connection.prepareStatement("SELECT DISTINCT date_trunc('hour', recorded_at, 'UTC') "
                + "FROM gpu_metrics_default WHERE recorded_at >= ? AND recorded_at < ?")) {
            statement.setTimestamp(1, Timestamp.from(repairFrom));
            statement.setTimestamp(2, Timestamp.from(end));
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    hours.add(rows.getTimestamp(1).toInstant());
                }
            }
        }
        var existing = partitions(connection);
        return hours.stream().filter(hour -> !existing.contains(partitionName(hour))).toList();
    }

    /**
     * Creates the partition of {@code hour}, moving into it the samples of that hour that sit in the default
     * partition (PostgreSQL refuses the partition while the default holds rows of its range), in one transaction.
     * It is made as a table of its own and then attached: ATTACH takes only SHARE UPDATE EXCLUSIVE on gpu_metrics,
     * which neither readers nor inserts conflict with, where CREATE TABLE ... PARTITION OF takes ACCESS EXCLUSIVE
     * and makes every insert queue behind it while it waits. The default partition is locked exclusively (inserts
     * of late samples wait for it); with the lock timeout the pass gives up on a busy default partition instead of
     * making those queue. False when it gave up.
     */
    static boolean createPartition(Connection connection, Instant hour) throws SQLException {
        String name = partitionName(hour);
        String bounds = "FROM ('" + hour + "') TO ('" + hour.plus(1, ChronoUnit.HOURS) + "')";
        try {
            inTransaction(connection, () -> {
                try (var statement = connection.createStatement()) {
                    statement.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT.toMillis() + "ms'");
                    statement.execute("LOCK TABLE gpu_metrics_default IN ACCESS EXCLUSIVE MODE");
                    statement.execute("CREATE TABLE " + name + " (LIKE gpu_metrics INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
                    long moved = statement.executeUpdate("WITH moved AS (DELETE FROM gpu_metrics_default WHERE recorded_at >= '"
                            + hour + "' AND recorded_at < '" + hour.plus(1, ChronoUnit.HOURS) + "' RETURNING *) "
                            + "INSERT INTO " + name + " SELECT * FROM moved");
                    statement.execute("ALTER TABLE gpu_metrics ATTACH PARTITION " + name + " FOR VALUES " + bounds);
                    return moved;
                }
            });
            return true;
        } catch (SQLException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** The attached hourly partitions and the detached ones a crashed pass left behind, oldest first. */
    static List<String> partitions(Connection connection) throws SQLException {
        var names = new ArrayList<String>();
        try (var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT relname FROM pg_class WHERE relkind = 'r' AND relname ~ '^"
                     + PARTITION_PREFIX + "[0-9]{10}$' ORDER BY relname")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    static Instant hourOf(String partition) {
        return PARTITION_HOUR.parse(partition.substring(PARTITION_PREFIX.length()), Instant::from);
    }

    static boolean isAttached(Connection connection, String partition) throws SQLException {
        try (var statement = connection.prepareStatement(
                "SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(?) AND inhparent = 'gpu_metrics'::regclass")) {
            statement.setString(1, partition);
            try (var rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * Detaching needs a brief exclusive lock on gpu_metrics; with a short lock timeout the pass gives up and
     * retries rather than making ingestion queue behind it.
     */
    static boolean detach(Connection connection, String partition) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute("SET lock_timeout = '50ms'");
            try {
                statement.execute("ALTER TABLE gpu_metrics DETACH PARTITION " + partition);
                return true;
            } catch (SQLException e) {
                if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            } finally {
                statement.execute("RESET lock_timeout");
            }
        }
    }

    /** Folds a detached partition into the hourly summaries and drops it, in one transaction. */
    static long foldAndDrop(Connection connection, String detachedPartition) throws SQLException {
        return inTransaction(connection, () -> {
            long rows = count(connection, "SELECT COUNT(*) FROM " + detachedPartition);
            try (var statement = connection.createStatement()) {
                statement.executeUpdate(FOLD.formatted(detachedPartition));
                statement.execute("DROP TABLE " + detachedPartition);
            }
            return rows;
        });
    }

    /**
     * Late samples older than the raw window sit in the default partition: fold them and delete them there. One
     * inside the span already folded for its hour is a replay of a sample counted then, and is only deleted.
     */
    static long foldLateSamples(Connection connection, Instant cutoff) throws SQLException {
        return inTransaction(connection, () -> {
            try (var statement = connection.prepareStatement("CREATE TEMPORARY TABLE late_samples ON COMMIT DROP AS "
                    + "WITH moved AS (DELETE FROM gpu_metrics_default WHERE recorded_at < ? RETURNING *) SELECT * FROM moved")) {
                statement.setTimestamp(1, Timestamp.from(cutoff));
                statement.executeUpdate();
            }
            try (var statement = connection.createStatement()) {
                statement.executeUpdate(DROP_REPLAYS);
            }
            long rows = count(connection, "SELECT COUNT(*) FROM late_samples");
            if (rows > 0) {
                try (var statement = connection.createStatement()) {
                    statement.executeUpdate(FOLD.formatted("late_samples"));
                }
            }
            return rows;
        });
    }

    /** ComfyUI's job counts per sample (db/V17) are kept for the raw window only: the chart beyond it has no jobs. */
    static long removeComfyUiSamplesBefore(Connection connection, Instant cutoff) throws SQLException {
        try (var statement = connection.prepareStatement("DELETE FROM comfyui_samples WHERE recorded_at < ?")) {
            statement.setTimestamp(1, Timestamp.from(cutoff));
            return statement.executeUpdate();
        }
    }

    /** The hourly summaries, the hourly VRAM holders (db/V14) and the GPU events share one window: the backend refuses events older than it too. */
    static long removeHourlyBefore(Connection connection, Instant cutoff) throws SQLException {
        try (var events = connection.prepareStatement("DELETE FROM gpu_events WHERE occurred_at < ?")) {
            events.setTimestamp(1, Timestamp.from(cutoff));
            events.executeUpdate();
        }
        try (var statement = connection.prepareStatement("DELETE FROM gpu_metrics_hourly WHERE hour < ?");
             var holders = connection.prepareStatement("DELETE FROM gpu_process_hourly WHERE hour < ?")) {
            statement.setTimestamp(1, Timestamp.from(cutoff));
            holders.setTimestamp(1, Timestamp.from(cutoff));
            holders.executeUpdate();
            return statement.executeUpdate();
        }
    }

    /**
     * The per-minute summaries (db/V18) serve history inside the raw window only: those of minutes before it go,
     * also those a late sample older than the window made (it was folded into its hour as well).
     */
    static long removeMinutesBefore(Connection connection, Instant rawCutoff) throws SQLException {
        try (var statement = connection.prepareStatement("DELETE FROM gpu_metrics_minute WHERE minute < ?")) {
            statement.setTimestamp(1, Timestamp.from(rawCutoff));
            return statement.executeUpdate();
        }
    }

    /** Whether this node is the first to claim the slot's pass; claims older than 90 days are forgotten. */
    static boolean claimSlot(Connection connection, Instant slot, String node) throws SQLException {
        try (var forget = connection.prepareStatement("DELETE FROM retention_passes WHERE slot < ?");
             var claim = connection.prepareStatement("INSERT INTO retention_passes (slot, node) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            forget.setTimestamp(1, Timestamp.from(slot.minus(Duration.ofDays(90))));
            forget.executeUpdate();
            claim.setTimestamp(1, Timestamp.from(slot));
            claim.setString(2, node);
            return claim.executeUpdate() == 1;
        }
    }

    static void markCompleted(Connection connection, Instant slot, Instant now) throws SQLException {
        try (var statement = connection.prepareStatement("UPDATE retention_passes SET completed_at = ? WHERE slot = ?")) {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setTimestamp(2, Timestamp.from(slot));
            statement.executeUpdate();
        }
    }

    /**
     * Since when no pass has completed, when passes were due before {@code cutoff} (the first claim is older) and
     * none completed after it.
     */
    static Optional<Instant> noPassCompletedSince(Connection connection, Instant cutoff) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT COALESCE(MAX(completed_at), MIN(started_at)) FROM retention_passes "
                + "HAVING MIN(started_at) <= ? AND COALESCE(MAX(completed_at), '-infinity') < ?")) {
            statement.setTimestamp(1, Timestamp.from(cutoff));
            statement.setTimestamp(2, Timestamp.from(cutoff));
            try (var rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getTimestamp(1).toInstant()) : Optional.empty();
            }
        }
    }

    private interface Work {
        long run() throws SQLException;
    }

    private static long inTransaction(Connection connection, Work work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            long result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
