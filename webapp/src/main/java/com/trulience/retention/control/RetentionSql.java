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

/**
 * The statements of retention. Raw samples live in hourly partitions of gpu_metrics named gpu_metrics_pYYYYMMDDHH
 * (UTC); an hour leaves the raw window by being detached, folded into gpu_metrics_hourly and dropped, all without
 * a DELETE on the table that ingestion writes to.
 */
final class RetentionSql {

    static final String PARTITION_PREFIX = "gpu_metrics_p";
    private static final DateTimeFormatter PARTITION_HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

    /** Adds to an hour what an earlier pass or a late batch already put there, instead of overwriting it. */
    private static final String FOLD = """
            INSERT INTO gpu_metrics_hourly AS h (worker_id, gpu_index, hour, samples,
                vram_used_mb_min, vram_used_mb_max, vram_used_mb_sum, vram_total_mb,
                temperature_celsius_min, temperature_celsius_max, temperature_celsius_sum,
                utilization_percent_min, utilization_percent_max, utilization_percent_sum,
                power_draw_samples, power_draw_watts_min, power_draw_watts_max, power_draw_watts_sum,
                fan_speed_samples, fan_speed_percent_min, fan_speed_percent_max, fan_speed_percent_sum)
            SELECT worker_id, gpu_index, date_trunc('hour', recorded_at, 'UTC'), COUNT(*),
                MIN(vram_used_mb), MAX(vram_used_mb), SUM(vram_used_mb), MAX(vram_total_mb),
                MIN(temperature_celsius), MAX(temperature_celsius), SUM(temperature_celsius),
                MIN(utilization_percent), MAX(utilization_percent), SUM(utilization_percent),
                COUNT(power_draw_watts), MIN(power_draw_watts), MAX(power_draw_watts), SUM(power_draw_watts),
                COUNT(fan_speed_percent), MIN(fan_speed_percent), MAX(fan_speed_percent), SUM(fan_speed_percent)
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
                           ELSE COALESCE(h.fan_speed_percent_sum, 0) + COALESCE(EXCLUDED.fan_speed_percent_sum, 0) END
            """;

    private RetentionSql() {
    }

    static String partitionName(Instant hour) {
        return PARTITION_PREFIX + PARTITION_HOUR.format(hour);
    }

    /** Creates the hourly partitions from the current hour to {@code hoursAhead} hours ahead that do not exist yet. */
    static int createPartitionsAhead(Connection connection, Instant now, int hoursAhead) throws SQLException {
        var existing = partitions(connection);
        int created = 0;
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        for (int i = 0; i <= hoursAhead; i++, hour = hour.plus(1, ChronoUnit.HOURS)) {
            String name = partitionName(hour);
            if (existing.contains(name)) {
                continue;
            }
            try (var statement = connection.createStatement()) {
                statement.execute("CREATE TABLE " + name + " PARTITION OF gpu_metrics FOR VALUES FROM ('" + hour + "') TO ('"
                        + hour.plus(1, ChronoUnit.HOURS) + "')");
            }
            created++;
        }
        return created;
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
                if ("55P03".equals(e.getSQLState())) {
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

    /** Late samples older than the raw window sit in the default partition: fold them and delete them there. */
    static long foldLateSamples(Connection connection, Instant cutoff) throws SQLException {
        return inTransaction(connection, () -> {
            try (var statement = connection.prepareStatement("CREATE TEMPORARY TABLE late_samples ON COMMIT DROP AS "
                    + "WITH moved AS (DELETE FROM gpu_metrics_default WHERE recorded_at < ? RETURNING *) SELECT * FROM moved")) {
                statement.setTimestamp(1, Timestamp.from(cutoff));
                statement.executeUpdate();
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

    /** The hourly summaries and the hourly VRAM holders (db/V14) share one window. */
    static long removeHourlyBefore(Connection connection, Instant cutoff) throws SQLException {
        try (var statement = connection.prepareStatement("DELETE FROM gpu_metrics_hourly WHERE hour < ?");
             var holders = connection.prepareStatement("DELETE FROM gpu_process_hourly WHERE hour < ?")) {
            statement.setTimestamp(1, Timestamp.from(cutoff));
            holders.setTimestamp(1, Timestamp.from(cutoff));
            holders.executeUpdate();
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
