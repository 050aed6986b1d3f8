package com.trulience.retention.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** The hourly VRAM holders (db/V14) leave with the hourly summaries, on the real PostgreSQL. */
class ProcessRetentionIT {

    private static final String DATABASE = "trulience_it_process_retention";

    private final Instant now = Instant.now();
    private Connection db;
    private long worker;

    @BeforeEach
    void migrate() throws SQLException {
        String url = TestDatabase.recreate(DATABASE);
        Flyway.configure().dataSource(url, TestDatabase.USER, TestDatabase.PASSWORD).locations("filesystem:../db").load().migrate();
        db = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
        worker = Long.parseLong(query("INSERT INTO workers (name) VALUES ('gpu-pr') RETURNING id"));
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    @Test
    void removesHourlyHoldersOlderThanTheHourlyWindowAndKeepsTheRest() throws SQLException {
        Instant ancient = now.minus(Duration.ofDays(91)).truncatedTo(ChronoUnit.HOURS);
        Instant kept = now.minus(Duration.ofDays(89)).truncatedTo(ChronoUnit.HOURS);
        for (Instant hour : new Instant[] {ancient, kept}) {
            query("INSERT INTO gpu_process_hourly (worker_id, gpu_index, hour, name, unit, container, samples, vram_used_mb_max, "
                    + "vram_used_mb_sum, last_recorded_at) VALUES (" + worker + ", 0, '" + hour + "', 'python3', 'comfyui.service', '', "
                    + "2, 30000, 50000, '" + hour.plusSeconds(60) + "') RETURNING hour");
        }

        Retention.run(db, now, Duration.ofHours(24), Duration.ofDays(90));

        assertEquals("1", query("SELECT COUNT(*) FROM gpu_process_hourly"));
        assertEquals("1", query("SELECT COUNT(*) FROM gpu_process_hourly WHERE hour = '" + kept + "'"));
    }

    @Test
    void theDatabaseRefusesAnHourThatIsNotWhole() {
        var refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> query(
                "INSERT INTO gpu_process_hourly (worker_id, gpu_index, hour, name, unit, container, samples, vram_used_mb_max, "
                        + "vram_used_mb_sum, last_recorded_at) VALUES (" + worker + ", 0, '2026-11-28T05:30:00Z', 'x', '', '', 1, 1, 1, "
                        + "'2026-11-28T05:30:00Z') RETURNING hour"));
        assertEquals("23514", refused.getSQLState(), refused.getMessage());
    }

    private String query(String sql) throws SQLException {
        try (var statement = db.createStatement(); var rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
