package com.trulience.metrics.control;

import com.trulience.metrics.entity.GpuProcess;
import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.MetricsBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The write path of who holds the VRAM (db/V14): each GPU's current process list, newest sample wins like
 * gpu_metrics_latest, and the hourly holders, folded in as samples arrive. Runs in the transaction of
 * {@link MetricsSql#insert}, one round trip per statement whatever the group's size.
 */
final class ProcessesSql {

    private static final String REPLACE_CURRENT = """
            INSERT INTO gpu_processes_latest AS latest (worker_id, gpu_index, recorded_at, processes, other_count,
                                                        other_vram_used_mb)
            SELECT DISTINCT ON (worker_id, gpu_index) worker_id, gpu_index, recorded_at, processes::jsonb, other_count,
                   other_vram_used_mb
            FROM unnest(?::bigint[], ?::smallint[], ?::text[]::timestamptz[], ?::text[], ?::integer[], ?::integer[])
                AS s(worker_id, gpu_index, recorded_at, processes, other_count, other_vram_used_mb)
            ORDER BY worker_id, gpu_index, recorded_at DESC
            ON CONFLICT (worker_id, gpu_index) DO UPDATE SET
                recorded_at = EXCLUDED.recorded_at, processes = EXCLUDED.processes, other_count = EXCLUDED.other_count,
                other_vram_used_mb = EXCLUDED.other_vram_used_mb
            WHERE latest.recorded_at < EXCLUDED.recorded_at
            """;

    /** A sample at or before a holder's last_recorded_at was counted already (a replay): it is left out. */
    private static final String FOLD_HOURLY = """
            WITH p AS (
                SELECT * FROM unnest(?::bigint[], ?::smallint[], ?::text[]::timestamptz[], ?::text[], ?::text[], ?::text[],
                                     ?::integer[])
                    AS p(worker_id, gpu_index, recorded_at, name, unit, container, vram_used_mb)
            ), per_sample AS (
                SELECT worker_id, gpu_index, date_trunc('hour', recorded_at, 'UTC') AS hour, name, unit, container,
                       recorded_at, sum(vram_used_mb) AS vram_used_mb
                FROM p GROUP BY worker_id, gpu_index, hour, name, unit, container, recorded_at
            ), fresh AS (
                SELECT s.* FROM per_sample s
                LEFT JOIN gpu_process_hourly h ON h.worker_id = s.worker_id AND h.gpu_index = s.gpu_index
                    AND h.hour = s.hour AND h.name = s.name AND h.unit = s.unit AND h.container = s.container
                WHERE h.last_recorded_at IS NULL OR s.recorded_at > h.last_recorded_at
            )
            INSERT INTO gpu_process_hourly AS h (worker_id, gpu_index, hour, name, unit, container, samples,
                                                 vram_used_mb_max, vram_used_mb_sum, last_recorded_at)
            SELECT worker_id, gpu_index, hour, name, unit, container, count(*), max(vram_used_mb), sum(vram_used_mb),
                   max(recorded_at)
            FROM fresh GROUP BY worker_id, gpu_index, hour, name, unit, container
            ORDER BY worker_id, gpu_index, hour, name, unit, container
            ON CONFLICT (worker_id, gpu_index, hour, name, unit, container) DO UPDATE SET
                samples = h.samples + EXCLUDED.samples,
                vram_used_mb_max = greatest(h.vram_used_mb_max, EXCLUDED.vram_used_mb_max),
                vram_used_mb_sum = h.vram_used_mb_sum + EXCLUDED.vram_used_mb_sum,
                last_recorded_at = greatest(h.last_recorded_at, EXCLUDED.last_recorded_at)
            """;

    private ProcessesSql() {
    }

    static void write(Connection connection, List<MetricsBatch> batches) throws SQLException {
        replaceCurrent(connection, batches);
        foldHourly(connection, batches);
    }

    private static void replaceCurrent(Connection connection, List<MetricsBatch> batches) throws SQLException {
        int rows = batches.stream().mapToInt(batch -> batch.samples().size()).sum();
        if (rows == 0) {
            return;
        }
        var workerIds = new Long[rows];
        var gpuIndexes = new Short[rows];
        var recordedAt = new String[rows];
        var lists = new String[rows];
        var otherCounts = new Integer[rows];
        var otherVram = new Integer[rows];
        int row = 0;
        for (var batch : batches) {
            for (GpuSample sample : batch.samples()) {
                workerIds[row] = batch.workerId();
                gpuIndexes[row] = (short) sample.gpuIndex();
                recordedAt[row] = batch.recordedAt().toString();
                lists[row] = sample.processes().reported() ? ProcessJson.write(sample.processes().listed()) : null;
                otherCounts[row] = sample.processes().otherCount();
                otherVram[row] = sample.processes().otherVramUsedMb();
                row++;
            }
        }
        try (var statement = connection.prepareStatement(REPLACE_CURRENT)) {
            statement.setArray(1, connection.createArrayOf("bigint", workerIds));
            statement.setArray(2, connection.createArrayOf("smallint", gpuIndexes));
            statement.setArray(3, connection.createArrayOf("text", recordedAt));
            statement.setArray(4, connection.createArrayOf("text", lists));
            statement.setArray(5, connection.createArrayOf("integer", otherCounts));
            statement.setArray(6, connection.createArrayOf("integer", otherVram));
            statement.executeUpdate();
        }
    }

    /** Processes whose VRAM is unknown hold nothing that can be summed: they are left out of the hours. */
    private static void foldHourly(Connection connection, List<MetricsBatch> batches) throws SQLException {
        var workerIds = new ArrayList<Long>();
        var gpuIndexes = new ArrayList<Short>();
        var recordedAt = new ArrayList<String>();
        var names = new ArrayList<String>();
        var units = new ArrayList<String>();
        var containers = new ArrayList<String>();
        var vram = new ArrayList<Integer>();
        for (var batch : batches) {
            for (GpuSample sample : batch.samples()) {
                if (!sample.processes().reported()) {
                    continue;
                }
                for (GpuProcess process : sample.processes().listed()) {
                    if (process.vramUsedMb() == null) {
                        continue;
                    }
                    workerIds.add(batch.workerId());
                    gpuIndexes.add((short) sample.gpuIndex());
                    recordedAt.add(batch.recordedAt().toString());
                    names.add(orEmpty(process.name()));
                    units.add(orEmpty(process.unit()));
                    containers.add(orEmpty(process.container()));
                    vram.add(process.vramUsedMb());
                }
            }
        }
        if (workerIds.isEmpty()) {
            return;
        }
        try (var statement = connection.prepareStatement(FOLD_HOURLY)) {
            statement.setArray(1, connection.createArrayOf("bigint", workerIds.toArray()));
            statement.setArray(2, connection.createArrayOf("smallint", gpuIndexes.toArray()));
            statement.setArray(3, connection.createArrayOf("text", recordedAt.toArray()));
            statement.setArray(4, connection.createArrayOf("text", names.toArray()));
            statement.setArray(5, connection.createArrayOf("text", units.toArray()));
            statement.setArray(6, connection.createArrayOf("text", containers.toArray()));
            statement.setArray(7, connection.createArrayOf("integer", vram.toArray()));
            statement.executeUpdate();
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
