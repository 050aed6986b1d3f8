package com.trulience.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.alerts.entity.Alert;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.restarts.entity.RestartLog;
import com.trulience.security.entity.User;
import com.trulience.testing.TestDatabase;
import com.trulience.workers.entity.Worker;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Table;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The migrations in db/ on the real PostgreSQL: tables, seeded defaults, the rules the database enforces. */
class SchemaIT {

    private static final String DATABASE = "trulience_it_schema";
    private static Connection db;

    @BeforeAll
    static void migrate() throws SQLException {
        String url = TestDatabase.recreate(DATABASE);
        var result = Flyway.configure()
                .dataSource(url, TestDatabase.USER, TestDatabase.PASSWORD)
                .locations("filesystem:../db")
                .load()
                .migrate();
        assertTrue(result.success);
        db = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void createsEveryTable() throws SQLException {
        // partitions of gpu_metrics are its storage, not tables of their own
        var tables = strings("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                + "AND relkind IN ('r', 'p') AND NOT relispartition AND relname <> 'flyway_schema_history'");
        assertEquals(new TreeSet<>(List.of("alerts", "comfyui_latest", "comfyui_samples", "gpu_alert_state", "gpu_events",
                "gpu_metrics", "gpu_metrics_hourly", "gpu_metrics_latest", "gpu_metrics_minute", "gpu_process_hourly", "gpu_xid_counts",
                "gpu_processes_latest", "minute_rollup_start",
                "metric_thresholds", "restart_logs", "retention_passes", "users", "worker_gpus", "worker_services", "workers")),
                new TreeSet<>(tables));
    }

    @Test
    void seedsTheFiveGlobalDefaultThresholds() throws SQLException {
        var rows = strings("SELECT metric_name || ' ' || warning_value || '/' || critical_value || ' ' || is_enabled "
                + "FROM metric_thresholds WHERE worker_id IS NULL ORDER BY metric_name");
        assertEquals(List.of("power_draw_percent 90/98 true", "temperature_celsius 70/85 true",
                "temperature_margin_celsius 10/3 true", "utilization_percent 95/99 true", "vram_used_percent 85/95 true"), rows);
    }

    @Test
    void gpuMetricsHasTheSeedsColumnsAndRefusesADuplicateSample() throws SQLException {
        var columns = strings("SELECT column_name || ':' || data_type FROM information_schema.columns "
                + "WHERE table_name = 'gpu_metrics' ORDER BY ordinal_position");
        assertEquals(List.of("id:bigint", "worker_id:bigint", "gpu_index:smallint", "vram_used_mb:integer",
                "vram_total_mb:integer", "temperature_celsius:smallint", "utilization_percent:smallint",
                "power_draw_watts:smallint", "fan_speed_percent:smallint", "recorded_at:timestamp with time zone",
                "created_at:timestamp with time zone", "sm_clock_mhz:integer", "memory_temperature_celsius:smallint",
                "throttle_reasons:smallint", "clock_corrected:boolean"), columns);
        // V7 replaced the seed's (worker_id, recorded_at) index by a unique one that also serves its queries;
        // V9 made it the primary key of the table partitioned by hour.
        assertEquals(Set.of("pk_gpu_metrics", "idx_gpu_metrics_recorded_at"),
                Set.copyOf(strings("SELECT indexname FROM pg_indexes WHERE tablename = 'gpu_metrics'")));
        assertEquals("p", strings("SELECT relkind::text FROM pg_class WHERE relname = 'gpu_metrics'").get(0));
        long worker = insertWorker("sample-check");
        String sample = "INSERT INTO gpu_metrics (worker_id, gpu_index, vram_used_mb, vram_total_mb, temperature_celsius, "
                + "utilization_percent, recorded_at) VALUES (" + worker + ", 0, 1, 2, 40, 5, '"
                + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(60) + "')";
        execute(sample);
        assertRejected(sample);
    }

    @Test
    void restartStatusesAreLimitedToTheProtocolsSix() throws SQLException {
        long user = id("INSERT INTO users (username, password_hash, role) VALUES ('restarter', 'x', 'admin') RETURNING id");
        for (String status : List.of("initiated", "waiting_for_job", "stopping", "restarting", "completed", "failed")) {
            long worker = insertWorker("restart-check-" + status);
            execute("INSERT INTO restart_logs (worker_id, service_name, initiated_by, status, completed_at) VALUES ("
                    + worker + ", 'comfyui', " + user + ", '" + status + "', "
                    + (status.equals("completed") || status.equals("failed") ? "NOW()" : "NULL") + ")");
        }
        long worker = insertWorker("restart-check");
        assertRejected("INSERT INTO restart_logs (worker_id, service_name, initiated_by, status) VALUES ("
                + worker + ", 'comfyui', " + user + ", 'rebooting')");
        assertEquals("initiated", strings("SELECT status FROM restart_logs WHERE id = (SELECT MIN(id) FROM restart_logs)").get(0));
    }

    @Test
    void allowsOneRestartInFlightPerWorkerAndKeepsTheAuditTrail() throws SQLException {
        long user = id("INSERT INTO users (username, password_hash, role) VALUES ('auditor', 'x', 'admin') RETURNING id");
        long worker = insertWorker("restart-audit");
        String restart = "INSERT INTO restart_logs (worker_id, service_name, initiated_by) VALUES (" + worker + ", '%s', " + user + ") RETURNING id";
        long first = id(restart.formatted("comfyui"));
        assertRejected(restart.formatted("comfyui@2"));
        execute("UPDATE restart_logs SET status = 'stopping' WHERE id = " + first);
        assertRejected(restart.formatted("comfyui"));
        assertRejected("UPDATE restart_logs SET status = 'completed' WHERE id = " + first);
        execute("UPDATE restart_logs SET status = 'completed', completed_at = NOW() WHERE id = " + first);
        long second = id(restart.formatted("comfyui"));
        assertRejected("UPDATE restart_logs SET status = 'failed', error_message = 'late' WHERE id = " + first);
        assertRejected("DELETE FROM restart_logs WHERE id = " + first);
        assertRejected(restart.formatted("comfyui;reboot"));
        assertRejected("UPDATE restart_logs SET reason = '" + "x".repeat(501) + "' WHERE id = " + second);
        assertEquals("false", strings("SELECT force::text FROM restart_logs WHERE id = " + second).get(0));
    }

    @Test
    void allowsOneOpenAlertPerWorkerGpuAndMetric() throws SQLException {
        long worker = insertWorker("alert-check");
        String open = "INSERT INTO alerts (worker_id, gpu_index, metric_name, severity) VALUES (" + worker + ", %s, '%s', 'warning')";
        execute(open.formatted("0", "temperature_celsius"));
        assertRejected(open.formatted("0", "temperature_celsius"));
        execute(open.formatted("1", "temperature_celsius"));
        execute(open.formatted("NULL", "worker_offline"));
        assertRejected(open.formatted("NULL", "worker_offline"));
        execute("UPDATE alerts SET state = 'resolved', resolved_at = NOW() WHERE worker_id = " + worker + " AND gpu_index = 0");
        execute(open.formatted("0", "temperature_celsius"));
        assertRejected("INSERT INTO alerts (worker_id, gpu_index, metric_name, severity) VALUES (" + worker + ", 2, 'x', 'fatal')");
        assertEquals("0", strings("SELECT recovering_samples FROM alerts WHERE worker_id = " + worker + " AND gpu_index = 1").get(0));
        assertRejected("UPDATE alerts SET recovering_samples = -1 WHERE worker_id = " + worker);
    }

    @Test
    void keepsOneThresholdPerScopeAndMetric() throws SQLException {
        assertRejected("INSERT INTO metric_thresholds (worker_id, metric_name, warning_value, critical_value) "
                + "VALUES (NULL, 'temperature_celsius', 60, 80)");
        long worker = insertWorker("threshold-check");
        execute("INSERT INTO metric_thresholds (worker_id, metric_name, warning_value, critical_value) VALUES ("
                + worker + ", 'temperature_celsius', 60, 80)");
        assertRejected("INSERT INTO metric_thresholds (worker_id, metric_name, warning_value, critical_value) VALUES ("
                + worker + ", 'vram_used_percent', 90, 80)");
        // the margin to slowdown alerts when it falls: its warning lies above its critical level
        assertRejected("INSERT INTO metric_thresholds (worker_id, metric_name, warning_value, critical_value) VALUES ("
                + worker + ", 'temperature_margin_celsius', 3, 10)");
        execute("INSERT INTO metric_thresholds (worker_id, metric_name, warning_value, critical_value) VALUES ("
                + worker + ", 'temperature_margin_celsius', 10, 3)");
    }

    @Test
    void storesAGpuEventOnce() throws SQLException {
        long worker = insertWorker("event-check");
        String event = "INSERT INTO gpu_events (worker_id, gpu_index, kind, xid, occurred_at) VALUES (" + worker
                + ", 1, 'xid', 79, '2026-11-28T05:00:00.123Z')";
        execute(event);
        assertRejected(event);
        String lost = "INSERT INTO gpu_events (worker_id, gpu_index, kind, occurred_at) VALUES (" + worker
                + ", 1, 'gpu_lost', '2026-11-28T05:00:00.123Z')";
        execute(lost);
        assertRejected(lost);
        assertRejected("INSERT INTO gpu_events (worker_id, gpu_index, kind, xid, occurred_at) VALUES (" + worker
                + ", 1, 'gpu_lost', 79, NOW())");
        assertRejected("INSERT INTO gpu_events (worker_id, gpu_index, kind, occurred_at) VALUES (" + worker + ", 1, 'melted', NOW())");
    }

    @Test
    void updatedAtFollowsEveryUpdate() throws SQLException {
        execute("UPDATE metric_thresholds SET updated_at = '2000-01-01' WHERE metric_name = 'utilization_percent' AND worker_id IS NULL");
        execute("UPDATE metric_thresholds SET warning_value = 96 WHERE metric_name = 'utilization_percent' AND worker_id IS NULL");
        assertEquals("true", strings("SELECT (updated_at > NOW() - INTERVAL '1 minute')::text FROM metric_thresholds "
                + "WHERE metric_name = 'utilization_percent' AND worker_id IS NULL").get(0));
        execute("UPDATE metric_thresholds SET warning_value = 95 WHERE metric_name = 'utilization_percent' AND worker_id IS NULL");
    }

    @Test
    void usersHaveOneOfTwoRolesAndUniqueNames() throws SQLException {
        execute("INSERT INTO users (username, password_hash, role) VALUES ('viewer-1', 'x', 'viewer')");
        assertRejected("INSERT INTO users (username, password_hash, role) VALUES ('viewer-1', 'x', 'viewer')");
        assertRejected("INSERT INTO users (username, password_hash, role) VALUES ('root-1', 'x', 'root')");
    }

    @Test
    void everyEntityMapsEveryColumnOfItsTable() throws SQLException {
        for (Class<?> entity : List.of(User.class, Worker.class, MetricThreshold.class, Alert.class, RestartLog.class)) {
            Map<String, Set<String>> mapped = new HashMap<>();
            collectColumns(entity, entity.getAnnotation(Table.class).name(), mapped);
            for (var table : mapped.entrySet()) {
                var actual = new TreeSet<>(strings("SELECT column_name FROM information_schema.columns WHERE table_name = '"
                        + table.getKey() + "'"));
                assertEquals(actual, new TreeSet<>(table.getValue()), entity.getSimpleName() + " vs table " + table.getKey());
            }
        }
    }

    /** The metric tables have no entity: only SQL reads and writes them (MetricsSql, HistoryQuery, RetentionSql). */
    @Test
    void metricTablesHaveTheColumnsTheirSqlNames() throws SQLException {
        Map<String, Set<String>> expected = Map.of(
                "gpu_metrics", Set.of("id", "worker_id", "gpu_index", "vram_used_mb", "vram_total_mb",
                        "temperature_celsius", "utilization_percent", "power_draw_watts", "fan_speed_percent",
                        "recorded_at", "created_at", "sm_clock_mhz", "memory_temperature_celsius", "throttle_reasons", "clock_corrected"),
                "gpu_metrics_latest", Set.of("worker_id", "gpu_index", "vram_used_mb", "vram_total_mb",
                        "temperature_celsius", "utilization_percent", "power_draw_watts", "fan_speed_percent",
                        "recorded_at", "sm_clock_mhz", "memory_temperature_celsius", "throttle_reasons",
                        "ecc_uncorrected_volatile", "remapped_rows_pending", "remapped_rows_failure", "pcie_replay_count"),
                "gpu_metrics_hourly", Set.of("worker_id", "gpu_index", "hour", "samples",
                        "vram_used_mb_min", "vram_used_mb_max", "vram_used_mb_sum", "vram_total_mb",
                        "temperature_celsius_min", "temperature_celsius_max", "temperature_celsius_sum",
                        "utilization_percent_min", "utilization_percent_max", "utilization_percent_sum",
                        "power_draw_samples", "power_draw_watts_min", "power_draw_watts_max", "power_draw_watts_sum",
                        "fan_speed_samples", "fan_speed_percent_min", "fan_speed_percent_max", "fan_speed_percent_sum",
                        "sm_clock_samples", "sm_clock_mhz_min", "sm_clock_mhz_max", "sm_clock_mhz_sum",
                        "memory_temperature_samples", "memory_temperature_celsius_min", "memory_temperature_celsius_max",
                        "memory_temperature_celsius_sum", "throttle_reasons_seen", "throttled_samples",
                        "first_recorded_at", "last_recorded_at",
                        "created_at", "updated_at"));
        for (var table : expected.entrySet()) {
            var actual = new TreeSet<>(strings("SELECT column_name FROM information_schema.columns WHERE table_name = '"
                    + table.getKey() + "'"));
            assertEquals(new TreeSet<>(table.getValue()), actual, "columns of table " + table.getKey());
        }
    }

    private static void collectColumns(Class<?> type, String table, Map<String, Set<String>> mapped) {
        var columns = mapped.computeIfAbsent(table, key -> new TreeSet<>());
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            if (field.isAnnotationPresent(EmbeddedId.class)) {
                collectColumns(field.getType(), table, mapped);
            } else if (field.isAnnotationPresent(CollectionTable.class)) {
                var collection = field.getAnnotation(CollectionTable.class);
                mapped.computeIfAbsent(collection.name(), key -> new TreeSet<>()).add(collection.joinColumns()[0].name());
                var element = (Class<?>) ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
                if (element.isAnnotationPresent(Embeddable.class)) {
                    collectColumns(element, collection.name(), mapped);
                } else {
                    mapped.get(collection.name()).add(field.getAnnotation(Column.class).name());
                }
            } else {
                var column = field.getAnnotation(Column.class);
                columns.add(column == null || column.name().isEmpty() ? field.getName() : column.name());
            }
        }
    }

    private long insertWorker(String name) throws SQLException {
        return id("INSERT INTO workers (name) VALUES ('" + name + "') RETURNING id");
    }

    private static long id(String sql) throws SQLException {
        try (var statement = db.createStatement(); var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (var statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void assertRejected(String sql) {
        var error = assertThrows(SQLException.class, () -> execute(sql), sql);
        assertTrue(Set.of("23505", "23514").contains(error.getSQLState()),
                "expected a unique or check violation, got " + error.getSQLState() + ": " + error.getMessage());
    }

    private static List<String> strings(String sql) throws SQLException {
        try (var statement = db.createStatement(); var rows = statement.executeQuery(sql)) {
            var values = new ArrayList<String>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
