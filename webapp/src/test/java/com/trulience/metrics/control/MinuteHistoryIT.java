package com.trulience.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.trulience.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One-minute history buckets are read as the minute rows themselves ({@link History#MINUTE_ROWS}): on the real
 * PostgreSQL they give the very points the grouped summary query ({@link History#MINUTE_BUCKETS}) gives.
 */
class MinuteHistoryIT {

    private static final String DATABASE = "trulience_it_minute_history";
    private static final Instant MINUTE = Instant.parse("2026-11-28T05:00:00Z");

    private static Connection db;
    private static long worker;

    /** Two hours of minutes of GPUs 0, 1 and 3, written out of order, some without the optional figures. */
    @BeforeAll
    static void seed() throws SQLException {
        String url = TestDatabase.recreate(DATABASE);
        Flyway.configure().dataSource(url, TestDatabase.USER, TestDatabase.PASSWORD).locations("filesystem:../db").load().migrate();
        db = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
        try (var statement = db.createStatement()) {
            try (var rows = statement.executeQuery("INSERT INTO workers (name) VALUES ('gpu-m') RETURNING id")) {
                rows.next();
                worker = rows.getLong(1);
            }
            statement.execute("INSERT INTO gpu_metrics_minute SELECT " + worker + ", g, '" + MINUTE + "'::timestamptz + make_interval(mins => m), "
                    + "1 + m % 12, 40000 + m, (40000 + m / 2) * (1 + m % 12), 81559, 50 + m % 30, (45 + m % 29) * (1 + m % 12) + m % 7, "
                    + "m % 101, (m % 97) * (1 + m % 12), m % 5, CASE WHEN m % 5 > 0 THEN 300 + m END, "
                    + "CASE WHEN m % 5 > 0 THEN (299 + m) * (m % 5) + 1 END, m % 3, CASE WHEN m % 3 > 0 THEN 7 * m END, "
                    + "m % 2, CASE WHEN m % 2 > 0 THEN 1980 END, 0, NULL "
                    + "FROM generate_series(0, 119) m, unnest(ARRAY[3, 0, 1]) g ORDER BY random()");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    private static HistoryQuery minutes(Instant since, Instant until, Integer gpuIndex) {
        return new HistoryQuery(worker, since, until, gpuIndex, 2_000, HistoryQuery.Source.MINUTE, 60);
    }

    private static List<GpuHistory> read(String sql, HistoryQuery query) throws SQLException {
        var gpus = new ArrayList<GpuHistory>();
        History.read(db, sql, query, gpus::add);
        return gpus;
    }

    @Test
    void oneMinuteBucketsAreReadAsTheMinuteRows() {
        var query = minutes(MINUTE, MINUTE.plus(Duration.ofHours(3)), null);
        assertEquals(History.MINUTE_ROWS, History.sql(query));
        var twoMinutes = new HistoryQuery(worker, MINUTE, MINUTE.plus(Duration.ofHours(3)), null, 2_000, HistoryQuery.Source.MINUTE, 120);
        assertEquals(History.MINUTE_BUCKETS, History.sql(twoMinutes));
    }

    @Test
    void theMinuteRowsGiveTheGroupedQuerysPoints() throws SQLException {
        var query = minutes(MINUTE, MINUTE.plus(Duration.ofHours(3)), null);
        var rows = read(History.MINUTE_ROWS, query);

        assertEquals(read(History.MINUTE_BUCKETS, query), rows);
        assertEquals(List.of(0, 1, 3), rows.stream().map(GpuHistory::gpuIndex).toList());
        var first = rows.get(0).points().get(0);
        assertEquals(MINUTE, first.time());
        assertEquals(120, rows.get(0).points().size());
        assertEquals(1L, first.samples());
        assertNull(first.powerDrawWatts(), "a minute without power samples has no average");
    }

    @Test
    void aRangeThatBeginsInsideAMinuteLabelsItsBucketsAsTheGroupedQueryDoes() throws SQLException {
        // date_bin from since: each minute in its own bucket, labelled 30 s before it (the first one 30 s before since)
        var query = minutes(MINUTE.plusSeconds(630), MINUTE.plus(Duration.ofMinutes(50)).plusSeconds(30), null);
        var rows = read(History.MINUTE_ROWS, query);

        assertEquals(read(History.MINUTE_BUCKETS, query), rows);
        assertEquals(MINUTE.plusSeconds(570), rows.get(0).points().get(0).time());
        assertEquals(41, rows.get(0).points().size());
    }

    @Test
    void oneGpusMinutesGiveTheGroupedQuerysPoints() throws SQLException {
        var query = minutes(MINUTE.plus(Duration.ofMinutes(5)), MINUTE.plus(Duration.ofMinutes(95)), 1);
        var rows = read(History.MINUTE_ROWS, query);

        assertEquals(read(History.MINUTE_BUCKETS, query), rows);
        assertEquals(List.of(1), rows.stream().map(GpuHistory::gpuIndex).toList());
        assertEquals(90, rows.get(0).points().size());
    }
}
