package com.trulience.metrics.control;

import com.trulience.metrics.entity.ComfyUiState;
import com.trulience.metrics.entity.MetricsBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Comparator;
import java.util.List;

/**
 * The write path of ComfyUI's state (db/V17), in the transaction of {@link MetricsSql#insert}: the worker's newest
 * state (a replayed older batch does not overwrite it) and the job counts per sample for the chart. Idle and
 * unreachable streaks are counted on the database's clock at receipt, never on the agent's timestamp.
 */
final class ComfyUiSql {

    private static final String LATEST = """
            INSERT INTO comfyui_latest AS l (worker_id, recorded_at, received_at, reachable, version, jobs_running,
                                             jobs_pending, running_prompt_id, idle_since, unreachable_samples)
            VALUES (?, ?, NOW(), ?, ?, ?, ?, ?, CASE WHEN ? THEN NOW() END, CASE WHEN ? THEN 0 ELSE 1 END)
            ON CONFLICT (worker_id) DO UPDATE SET
                recorded_at = EXCLUDED.recorded_at, received_at = EXCLUDED.received_at, reachable = EXCLUDED.reachable,
                version = EXCLUDED.version, jobs_running = EXCLUDED.jobs_running, jobs_pending = EXCLUDED.jobs_pending,
                running_prompt_id = EXCLUDED.running_prompt_id,
                idle_since = CASE WHEN EXCLUDED.idle_since IS NULL THEN NULL ELSE COALESCE(l.idle_since, EXCLUDED.idle_since) END,
                unreachable_samples = CASE WHEN EXCLUDED.reachable THEN 0 ELSE l.unreachable_samples + 1 END
            WHERE l.recorded_at < EXCLUDED.recorded_at
            """;

    private static final String SAMPLE = """
            INSERT INTO comfyui_samples (worker_id, recorded_at, reachable, jobs_running, jobs_pending)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """;

    private ComfyUiSql() {
    }

    static void write(Connection connection, List<MetricsBatch> batches) throws SQLException {
        var watched = batches.stream().filter(batch -> batch.comfyui() != null)
                .sorted(Comparator.comparing(MetricsBatch::recordedAt)).toList();
        if (watched.isEmpty()) {
            return;
        }
        try (var latest = connection.prepareStatement(LATEST); var sample = connection.prepareStatement(SAMPLE)) {
            for (var batch : watched) {
                ComfyUiState comfy = batch.comfyui();
                var at = Timestamp.from(batch.recordedAt());
                latest.setLong(1, batch.workerId());
                latest.setTimestamp(2, at);
                latest.setBoolean(3, comfy.reachable());
                latest.setString(4, comfy.version());
                setInteger(latest, 5, comfy.jobsRunning());
                setInteger(latest, 6, comfy.jobsPending());
                latest.setString(7, comfy.runningPromptId());
                latest.setBoolean(8, comfy.idle());
                latest.setBoolean(9, comfy.reachable());
                latest.addBatch();
                sample.setLong(1, batch.workerId());
                sample.setTimestamp(2, at);
                sample.setBoolean(3, comfy.reachable());
                setInteger(sample, 4, comfy.jobsRunning());
                setInteger(sample, 5, comfy.jobsPending());
                sample.addBatch();
            }
            latest.executeBatch();
            sample.executeBatch();
        }
    }

    private static void setInteger(java.sql.PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }
}
