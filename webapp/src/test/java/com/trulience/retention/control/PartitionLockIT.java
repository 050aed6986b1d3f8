package com.trulience.retention.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Creating partitions while a long reader (pg_dump, a session idle in transaction, a slow history query) holds
 * its locks on gpu_metrics: ingestion into the existing partitions must not queue behind the DDL.
 */
class PartitionLockIT {

    private static final String DATABASE = "trulience_it_partition_lock";

    private final Instant now = Instant.now();
    private String url;
    private Connection retention;
    private Connection reader;
    private Connection ingestion;
    private Connection observer;
    private long worker;

    @BeforeEach
    void migrate() throws SQLException {
        url = TestDatabase.recreate(DATABASE);
        Flyway.configure().dataSource(url, TestDatabase.USER, TestDatabase.PASSWORD).locations("filesystem:../db").load().migrate();
        retention = connect();
        reader = connect();
        ingestion = connect();
        observer = connect();
        worker = Long.parseLong(query(observer, "INSERT INTO workers (name) VALUES ('gpu-lock') RETURNING id"));
        // an hour the timer has not made a partition for yet
        String next = RetentionSql.partitionName(now.plus(1, ChronoUnit.HOURS));
        execute(observer, "DROP TABLE " + next);
    }

    @AfterEach
    void close() throws SQLException {
        for (var connection : new Connection[] {reader, retention, ingestion, observer}) {
            connection.close();
        }
    }

    @Test
    void anInsertIssuedWhilePartitionDdlWaitsBehindALongReaderCompletesBeforeTheReaderEnds() throws Exception {
        reader.setAutoCommit(false);
        query(reader, "SELECT COUNT(*) FROM gpu_metrics");
        String retentionPid = query(retention, "SELECT pg_backend_pid()");

        var ddl = CompletableFuture.supplyAsync(() -> {
            try {
                return Retention.createPartitionsAhead(retention, now);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitWaitingForALock(retentionPid);

        // issued while the DDL waits for its lock; the reader still holds its transaction open
        execute(ingestion, "SET statement_timeout = '3s'");
        long start = System.nanoTime();
        insert(now);
        long insertMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(insertMillis < 1_000, "the insert waited " + insertMillis + " ms behind partition DDL");
        assertEquals("1", query(observer, "SELECT COUNT(*) FROM gpu_metrics"), "stored while the reader still reads");

        ddl.get(30, TimeUnit.SECONDS);
        assertFalse(RetentionSql.partitions(observer).contains(RetentionSql.partitionName(now.plus(1, ChronoUnit.HOURS))),
                "gave up on the hour behind the reader");
        reader.commit();
        assertTrue(Retention.createPartitionsAhead(retention, now) >= 1, "created once the reader is gone");
        assertTrue(RetentionSql.partitions(observer).contains(RetentionSql.partitionName(now.plus(1, ChronoUnit.HOURS))));
    }

    private void awaitWaitingForALock(String pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if ("1".equals(query(observer, "SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND pid = " + pid))) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("partition DDL never waited for a lock");
    }

    private void insert(Instant at) throws SQLException {
        try (var statement = ingestion.prepareStatement("INSERT INTO gpu_metrics (worker_id, gpu_index, vram_used_mb, vram_total_mb, "
                + "temperature_celsius, utilization_percent, recorded_at) VALUES (?, 0, 100, 200, 50, 50, ?)")) {
            statement.setLong(1, worker);
            statement.setTimestamp(2, Timestamp.from(at));
            statement.executeUpdate();
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
