package com.trulience.retention.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The retention pass on the real PostgreSQL, on a database seeded with old, new and late rows. */
class RetentionIT {

    private static final String DATABASE = "trulience_it_retention";
    private static final Duration RAW = Duration.ofHours(24);
    private static final Duration HOURLY = Duration.ofDays(90);

    private final Instant now = Instant.now();
    private final Instant oldHour = now.minus(Duration.ofHours(30)).truncatedTo(ChronoUnit.HOURS);
    private Connection db;
    private String url;
    private long worker;

    @BeforeEach
    void migrate() throws SQLException {
        url = TestDatabase.recreate(DATABASE);
        Flyway.configure().dataSource(url, TestDatabase.USER, TestDatabase.PASSWORD).locations("filesystem:../db").load().migrate();
        db = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
        worker = Long.parseLong(query("INSERT INTO workers (name) VALUES ('gpu-r') RETURNING id"));
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    @Test
    void foldsOldRowsIntoCorrectHourlyFiguresThenRemovesThemAndLeavesNewRowsAlone() throws SQLException {
        sample(0, oldHour.plusSeconds(5), 60, 90, 300, 40);
        sample(0, oldHour.plusSeconds(10), 70, 100, null, 50);
        sample(0, oldHour.plusSeconds(3599), 80, 95, 500, null);
        sample(1, oldHour.plusSeconds(5), 40, 0, null, null);
        Instant recent = now.minus(Duration.ofMinutes(30));
        sample(0, recent, 65, 50, 200, 30);

        var summary = Retention.run(db, now, RAW, HOURLY);

        // the other hours the migration created partitions for are empty: only these four rows were folded
        assertEquals(4, summary.rowsFolded(), summary.toString());
        assertEquals("3 60 80 210 90 100 285 2 300 500 800 2 40 50 90",
                query("SELECT concat_ws(' ', samples, temperature_celsius_min, temperature_celsius_max, temperature_celsius_sum, "
                        + "utilization_percent_min, utilization_percent_max, utilization_percent_sum, power_draw_samples, "
                        + "power_draw_watts_min, power_draw_watts_max, power_draw_watts_sum, fan_speed_samples, "
                        + "fan_speed_percent_min, fan_speed_percent_max, fan_speed_percent_sum) "
                        + "FROM gpu_metrics_hourly WHERE gpu_index = 0 AND hour = '" + oldHour + "'"));
        assertEquals("1 0 0", query("SELECT concat_ws(' ', samples, power_draw_samples, fan_speed_samples) "
                + "FROM gpu_metrics_hourly WHERE gpu_index = 1 AND hour = '" + oldHour + "'"));
        assertEquals("0", query("SELECT COUNT(*) FROM gpu_metrics WHERE recorded_at < '" + oldHour.plusSeconds(3600) + "'"));
        assertFalse(exists(RetentionSql.partitionName(oldHour)), "the folded hour's partition is dropped");
        assertEquals("1", query("SELECT COUNT(*) FROM gpu_metrics WHERE recorded_at = '" + recent + "'"));
        assertTrue(exists(RetentionSql.partitionName(now.plus(Duration.ofHours(Retention.HOURS_AHEAD)))));
    }

    @Test
    void aSecondPassChangesNothing() throws SQLException {
        sample(0, oldHour.plusSeconds(5), 60, 90, 300, 40);
        sample(0, now.minus(Duration.ofMinutes(10)), 61, 91, 301, 41);
        Retention.run(db, now, RAW, HOURLY);
        String hourly = query("SELECT string_agg(concat_ws(' ', hour, gpu_index, samples, temperature_celsius_sum), ',' ORDER BY hour) FROM gpu_metrics_hourly");
        String raw = query("SELECT string_agg(concat_ws(' ', recorded_at, temperature_celsius), ',') FROM gpu_metrics");

        var second = Retention.run(db, now, RAW, HOURLY);

        assertEquals(0, second.rowsFolded() + second.lateRowsFolded() + second.hourlyRowsRemoved() + second.hoursFolded());
        assertEquals(hourly, query("SELECT string_agg(concat_ws(' ', hour, gpu_index, samples, temperature_celsius_sum), ',' ORDER BY hour) FROM gpu_metrics_hourly"));
        assertEquals(raw, query("SELECT string_agg(concat_ws(' ', recorded_at, temperature_celsius), ',') FROM gpu_metrics"));
    }

    /** Each backend node runs the pass on a database session of its own: a second session stands for the other node. */
    @Test
    void aNodeSkipsThePassWhileAnotherNodeRunsOne() throws SQLException {
        sample(0, oldHour.plusSeconds(5), 60, 90, 300, 40);
        try (var otherNode = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD)) {
            // the other node's pass in progress: it holds the lock
            lock(otherNode, "pg_advisory_lock");
            assertTrue(Retention.runExclusively(db, now, RAW, HOURLY, "node-a").isEmpty(), "skipped while the other node runs a pass");
            assertEquals("1", query("SELECT COUNT(*) FROM gpu_metrics"), "and changed nothing");
            lock(otherNode, "pg_advisory_unlock");

            assertEquals(1, Retention.runExclusively(db, now, RAW, HOURLY, "node-a").orElseThrow().rowsFolded(), "runs once the lock is free");
        }
    }

    @Test
    void onlyTheFirstNodeRunsTheSlotsPassEvenWhenTheyDoNotOverlap() throws SQLException {
        try (var otherNode = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD)) {
            Instant slot = now.truncatedTo(ChronoUnit.MINUTES);
            assertTrue(Retention.runExclusively(otherNode, slot.plusSeconds(1), RAW, HOURLY, "node-b").isPresent());
            sample(0, oldHour.plusSeconds(5), 60, 90, 300, 40);

            assertTrue(Retention.runExclusively(db, slot.plusSeconds(2), RAW, HOURLY, "node-a").isEmpty(), "node-b ran this slot's pass");
            assertEquals("1", query("SELECT COUNT(*) FROM gpu_metrics"));
            assertEquals("node-b", query("SELECT node FROM retention_passes WHERE slot = '" + slot + "'"));
            assertTrue(Retention.runExclusively(db, slot.plusSeconds(60), RAW, HOURLY, "node-a").isPresent(), "the next slot's pass runs");
            assertEquals("0", query("SELECT COUNT(*) FROM gpu_metrics"));
        }
    }

    private static void lock(Connection connection, String function) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute("SELECT " + function + "(" + Retention.LOCK_KEY + ")");
        }
    }

    @Test
    void aLateBatchAddsToItsHourInsteadOfOverwritingIt() throws SQLException {
        sample(0, oldHour.plusSeconds(5), 60, 90, 300, 40);
        Retention.run(db, now, RAW, HOURLY);
        // replayed after a long outage: its hour's partition is gone, so it lands in the default partition
        sample(0, oldHour.plusSeconds(20), 90, 10, 100, 20);
        assertEquals("1", query("SELECT COUNT(*) FROM gpu_metrics_default"));

        var summary = Retention.run(db, now, RAW, HOURLY);

        assertEquals(1, summary.lateRowsFolded());
        assertEquals("2 60 90 150 100 400", query("SELECT concat_ws(' ', samples, temperature_celsius_min, temperature_celsius_max, "
                + "temperature_celsius_sum, utilization_percent_sum, power_draw_watts_sum) FROM gpu_metrics_hourly WHERE hour = '" + oldHour + "'"));
        assertEquals("0", query("SELECT COUNT(*) FROM gpu_metrics_default"));
    }

    @Test
    void foldsTheHealthColumnsAndALateBatchMergesTheirThrottleBits() throws SQLException {
        health(oldHour.plusSeconds(5), 1400, 70, 1);
        health(oldHour.plusSeconds(10), 1800, null, 0);
        Retention.run(db, now, RAW, HOURLY);
        health(oldHour.plusSeconds(20), 1200, 80, 8);
        Retention.run(db, now, RAW, HOURLY);
        assertEquals("3 1200 1800 4400 2 70 80 150 9 2", query("SELECT concat_ws(' ', sm_clock_samples, sm_clock_mhz_min, "
                + "sm_clock_mhz_max, sm_clock_mhz_sum, memory_temperature_samples, memory_temperature_celsius_min, "
                + "memory_temperature_celsius_max, memory_temperature_celsius_sum, throttle_reasons_seen, throttled_samples) "
                + "FROM gpu_metrics_hourly WHERE hour = '" + oldHour + "'"));
    }

    @Test
    void removesGpuEventsWithTheHourlySummaries() throws SQLException {
        for (Instant at : new Instant[] {now.minus(Duration.ofDays(91)), now.minus(Duration.ofDays(89))}) {
            query("INSERT INTO gpu_events (worker_id, gpu_index, kind, xid, occurred_at) VALUES (" + worker + ", 0, 'xid', 79, '"
                    + at + "') RETURNING id");
        }
        Retention.run(db, now, RAW, HOURLY);
        assertEquals("1", query("SELECT COUNT(*) FROM gpu_events WHERE worker_id = " + worker));
    }

    private void health(Instant at, int smClock, Integer memoryTemperature, int throttle) throws SQLException {
        try (var statement = db.prepareStatement("INSERT INTO gpu_metrics (worker_id, gpu_index, vram_used_mb, vram_total_mb, "
                + "temperature_celsius, utilization_percent, recorded_at, sm_clock_mhz, memory_temperature_celsius, throttle_reasons) "
                + "VALUES (?, 0, 100, 200, 50, 50, ?, ?, ?, ?)")) {
            statement.setLong(1, worker);
            statement.setTimestamp(2, java.sql.Timestamp.from(at));
            statement.setInt(3, smClock);
            statement.setObject(4, memoryTemperature);
            statement.setInt(5, throttle);
            statement.executeUpdate();
        }
    }

    @Test
    void removesHourlySummariesOlderThanTheirWindow() throws SQLException {
        Instant ancient = now.minus(Duration.ofDays(91)).truncatedTo(ChronoUnit.HOURS);
        Instant kept = now.minus(Duration.ofDays(89)).truncatedTo(ChronoUnit.HOURS);
        for (Instant hour : new Instant[] {ancient, kept}) {
            query("INSERT INTO gpu_metrics_hourly (worker_id, gpu_index, hour, samples, vram_used_mb_min, vram_used_mb_max, "
                    + "vram_used_mb_sum, vram_total_mb, temperature_celsius_min, temperature_celsius_max, temperature_celsius_sum, "
                    + "utilization_percent_min, utilization_percent_max, utilization_percent_sum) VALUES (" + worker + ", 0, '"
                    + hour + "', 1, 1, 1, 1, 2, 40, 40, 40, 5, 5, 5) RETURNING hour");
        }
        assertEquals(1, Retention.run(db, now, RAW, HOURLY).hourlyRowsRemoved());
        assertEquals("1", query("SELECT COUNT(*) FROM gpu_metrics_hourly WHERE hour = '" + kept + "'"));
    }

    private void sample(int gpu, Instant at, int temperature, int utilization, Integer power, Integer fan) throws SQLException {
        try (var statement = db.prepareStatement("INSERT INTO gpu_metrics (worker_id, gpu_index, vram_used_mb, vram_total_mb, "
                + "temperature_celsius, utilization_percent, power_draw_watts, fan_speed_percent, recorded_at) VALUES (?, ?, 100, 200, ?, ?, ?, ?, ?)")) {
            statement.setLong(1, worker);
            statement.setInt(2, gpu);
            statement.setInt(3, temperature);
            statement.setInt(4, utilization);
            statement.setObject(5, power);
            statement.setObject(6, fan);
            statement.setTimestamp(7, java.sql.Timestamp.from(at));
            statement.executeUpdate();
        }
    }

    private boolean exists(String table) throws SQLException {
        return "t".equals(query("SELECT (to_regclass('" + table + "') IS NOT NULL)::text").substring(0, 1));
    }

    private String query(String sql) throws SQLException {
        try (var statement = db.createStatement(); var rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
