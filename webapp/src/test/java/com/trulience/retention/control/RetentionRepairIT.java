package com.trulience.retention.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Passes missed while ingestion went on (PostgreSQL down across hourly slots, the timer's node down): samples of
 * hours without a partition landed in the default partition. The next pass repairs that and retention carries on.
 */
class RetentionRepairIT {

    private static final String DATABASE = "trulience_it_retention_repair";
    private static final Duration RAW = Duration.ofHours(24);
    private static final Duration HOURLY = Duration.ofDays(90);

    private final Instant now = Instant.now();
    private final Instant thisHour = now.truncatedTo(ChronoUnit.HOURS);
    private Connection db;
    private long worker;

    @BeforeEach
    void migrate() throws SQLException {
        String url = TestDatabase.recreate(DATABASE);
        Flyway.configure().dataSource(url, TestDatabase.USER, TestDatabase.PASSWORD).locations("filesystem:../db").load().migrate();
        db = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
        worker = Long.parseLong(query("INSERT INTO workers (name) VALUES ('gpu-repair') RETURNING id"));
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    @Test
    void samplesThatLandedInTheDefaultPartitionMoveIntoTheirHoursPartitionAndLaterPassesSucceed() throws SQLException {
        Instant lastHour = thisHour.minus(1, ChronoUnit.HOURS);
        for (Instant hour : new Instant[] {lastHour, thisHour, thisHour.plus(1, ChronoUnit.HOURS)}) {
            query("DROP TABLE " + RetentionSql.partitionName(hour));
        }
        sample(lastHour.plusSeconds(10), 40);
        sample(thisHour.plusSeconds(1), 41);
        sample(now, 42);
        assertEquals("3", query("SELECT COUNT(*) FROM gpu_metrics_default"));

        var first = Retention.run(db, now, RAW, HOURLY);

        assertEquals("0", query("SELECT COUNT(*) FROM gpu_metrics_default"), first.toString());
        assertEquals("1", query("SELECT COUNT(*) FROM " + RetentionSql.partitionName(lastHour)));
        assertEquals("2", query("SELECT COUNT(*) FROM " + RetentionSql.partitionName(thisHour)));
        assertEquals("40,41,42", query("SELECT string_agg(temperature_celsius::text, ',' ORDER BY recorded_at) FROM gpu_metrics"));
        assertTrue(partitionExists(thisHour.plus(Retention.HOURS_AHEAD, ChronoUnit.HOURS)), "and the hours ahead");

        // a day later the repaired hour folds like any other, and the passes go on
        var later = Retention.run(db, now.plus(Duration.ofHours(24)), RAW, HOURLY);
        assertEquals(1, later.rowsFolded(), later.toString());
        assertEquals("1", query("SELECT samples FROM gpu_metrics_hourly WHERE hour = '" + lastHour + "'"));
        assertFalse(partitionExists(lastHour));
        var next = Retention.run(db, now.plus(Duration.ofHours(25)), RAW, HOURLY);
        assertEquals(2, next.rowsFolded(), next.toString());
    }

    @Test
    void aStallOfTwoSlotsIsReportedUntilAPassCompletes() throws SQLException {
        assertTrue(Retention.stalledSince(db, now).isEmpty(), "a fresh install has no pass behind it");
        // three slots claimed, none completed: the passes failed
        for (int hours = 3; hours >= 1; hours--) {
            query("INSERT INTO retention_passes (slot, node, started_at) VALUES ('" + now.minus(Duration.ofHours(hours))
                    + "', 'node-a', '" + now.minus(Duration.ofHours(hours)) + "') RETURNING 1");
        }
        assertTrue(Retention.stalledSince(db, now).isPresent(), "no pass completed in 2 slots");

        Retention.runExclusively(db, now, RAW, HOURLY, "node-a").orElseThrow();

        assertTrue(Retention.stalledSince(db, now).isEmpty());
    }

    /** The agent replays what it has no ack for, however late; its hour may have been folded meanwhile. */
    @Test
    void aSampleReplayedAfterItsHourWasFoldedIsNotCountedTwice() throws SQLException {
        Instant oldHour = thisHour.minus(30, ChronoUnit.HOURS);
        sample(oldHour.plusSeconds(5), 40);
        sample(oldHour.plusSeconds(10), 50);
        Retention.run(db, now, RAW, HOURLY);
        assertEquals("2 90", query("SELECT samples || ' ' || temperature_celsius_sum FROM gpu_metrics_hourly WHERE hour = '" + oldHour + "'"));

        sample(oldHour.plusSeconds(5), 40);
        sample(oldHour.plusSeconds(10), 50);
        // and one that never arrived before: the agent was cut off after 10 s
        sample(oldHour.plusSeconds(20), 60);
        var summary = Retention.run(db, now, RAW, HOURLY);

        assertEquals("3 150", query("SELECT samples || ' ' || temperature_celsius_sum FROM gpu_metrics_hourly WHERE hour = '" + oldHour + "'"),
                summary.toString());
        assertEquals("0", query("SELECT COUNT(*) FROM gpu_metrics_default"));
        sample(oldHour.plusSeconds(20), 60);
        Retention.run(db, now, RAW, HOURLY);
        assertEquals("3 150", query("SELECT samples || ' ' || temperature_celsius_sum FROM gpu_metrics_hourly WHERE hour = '" + oldHour + "'"),
                "a replay of the late one is not counted twice either");
    }

    private boolean partitionExists(Instant hour) throws SQLException {
        return RetentionSql.partitions(db).contains(RetentionSql.partitionName(hour));
    }

    private void sample(Instant at, int temperature) throws SQLException {
        try (var statement = db.prepareStatement("INSERT INTO gpu_metrics (worker_id, gpu_index, vram_used_mb, vram_total_mb, "
                + "temperature_celsius, utilization_percent, recorded_at) VALUES (?, 0, 100, 200, ?, 50, ?)")) {
            statement.setLong(1, worker);
            statement.setInt(2, temperature);
            statement.setTimestamp(3, Timestamp.from(at));
            statement.executeUpdate();
        }
    }

    private String query(String sql) throws SQLException {
        try (var statement = db.createStatement()) {
            if (!statement.execute(sql)) {
                return null;
            }
            try (var rows = statement.getResultSet()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
