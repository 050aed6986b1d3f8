package com.trulience.metrics.control;

import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.workers.entity.Worker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The statements of the write path (the workers' own, {@link Worker#MARK_SEEN_SQL}, lives on Worker). Rows travel as
 * one array per column through {@code unnest}, so a whole group is one round trip, whatever its size; a replayed
 * sample hits the unique index and is skipped. The latest sample of a GPU is replaced by a newer one, and by any
 * one while it is stamped in the future (a clock within the parser's tolerance ahead): a future stamp never pins it.
 */
final class MetricsSql {

    private static final String INSERT = """
            WITH sample AS (
                SELECT * FROM unnest(?::bigint[], ?::smallint[], ?::integer[], ?::integer[], ?::smallint[],
                                     ?::smallint[], ?::smallint[], ?::smallint[], ?::text[]::timestamptz[],
                                     ?::integer[], ?::smallint[], ?::smallint[], ?::bigint[], ?::boolean[],
                                     ?::boolean[], ?::bigint[], ?::boolean[])
                    AS s(worker_id, gpu_index, vram_used_mb, vram_total_mb, temperature_celsius,
                         utilization_percent, power_draw_watts, fan_speed_percent, recorded_at,
                         sm_clock_mhz, memory_temperature_celsius, throttle_reasons, ecc_uncorrected_volatile,
                         remapped_rows_pending, remapped_rows_failure, pcie_replay_count, clock_corrected)
            ), stored AS (
                INSERT INTO gpu_metrics (worker_id, gpu_index, vram_used_mb, vram_total_mb, temperature_celsius,
                                         utilization_percent, power_draw_watts, fan_speed_percent, recorded_at,
                                         sm_clock_mhz, memory_temperature_celsius, throttle_reasons, clock_corrected)
                SELECT worker_id, gpu_index, vram_used_mb, vram_total_mb, temperature_celsius, utilization_percent,
                       power_draw_watts, fan_speed_percent, recorded_at, sm_clock_mhz, memory_temperature_celsius,
                       throttle_reasons, clock_corrected
                FROM sample
                ON CONFLICT (worker_id, recorded_at, gpu_index) DO NOTHING
            )
            INSERT INTO gpu_metrics_latest AS latest (worker_id, gpu_index, vram_used_mb, vram_total_mb,
                    temperature_celsius, utilization_percent, power_draw_watts, fan_speed_percent, recorded_at,
                    sm_clock_mhz, memory_temperature_celsius, throttle_reasons, ecc_uncorrected_volatile,
                    remapped_rows_pending, remapped_rows_failure, pcie_replay_count)
            SELECT DISTINCT ON (worker_id, gpu_index) worker_id, gpu_index, vram_used_mb, vram_total_mb,
                   temperature_celsius, utilization_percent, power_draw_watts, fan_speed_percent, recorded_at,
                   sm_clock_mhz, memory_temperature_celsius, throttle_reasons, ecc_uncorrected_volatile,
                   remapped_rows_pending, remapped_rows_failure, pcie_replay_count
            FROM sample
            ORDER BY worker_id, gpu_index, recorded_at DESC
            ON CONFLICT (worker_id, gpu_index) DO UPDATE SET
                vram_used_mb = EXCLUDED.vram_used_mb, vram_total_mb = EXCLUDED.vram_total_mb,
                temperature_celsius = EXCLUDED.temperature_celsius, utilization_percent = EXCLUDED.utilization_percent,
                power_draw_watts = EXCLUDED.power_draw_watts, fan_speed_percent = EXCLUDED.fan_speed_percent,
                recorded_at = EXCLUDED.recorded_at, sm_clock_mhz = EXCLUDED.sm_clock_mhz,
                memory_temperature_celsius = EXCLUDED.memory_temperature_celsius,
                throttle_reasons = EXCLUDED.throttle_reasons, ecc_uncorrected_volatile = EXCLUDED.ecc_uncorrected_volatile,
                remapped_rows_pending = EXCLUDED.remapped_rows_pending,
                remapped_rows_failure = EXCLUDED.remapped_rows_failure, pcie_replay_count = EXCLUDED.pcie_replay_count
            WHERE latest.recorded_at < EXCLUDED.recorded_at OR latest.recorded_at > NOW()
            """;

    private MetricsSql() {
    }

    static void insert(Connection connection, List<MetricsBatch> batches) throws SQLException {
        int rows = batches.stream().mapToInt(batch -> batch.samples().size()).sum();
        if (rows == 0) {
            return;
        }
        var workerIds = new Long[rows];
        var gpuIndexes = new Short[rows];
        var vramUsed = new Integer[rows];
        var vramTotal = new Integer[rows];
        var temperatures = new Short[rows];
        var utilizations = new Short[rows];
        var powers = new Short[rows];
        var fans = new Short[rows];
        var recordedAt = new String[rows];
        var smClocks = new Integer[rows];
        var memoryTemperatures = new Short[rows];
        var throttles = new Short[rows];
        var eccErrors = new Long[rows];
        var remapPending = new Boolean[rows];
        var remapFailure = new Boolean[rows];
        var pcieReplays = new Long[rows];
        var clockCorrected = new Boolean[rows];
        int row = 0;
        for (var batch : batches) {
            // ISO-8601 text, so that no time zone of the JVM or the session can shift it
            String timestamp = batch.recordedAt().toString();
            for (GpuSample sample : batch.samples()) {
                workerIds[row] = batch.workerId();
                gpuIndexes[row] = (short) sample.gpuIndex();
                vramUsed[row] = sample.vramUsedMb();
                vramTotal[row] = sample.vramTotalMb();
                temperatures[row] = (short) sample.temperatureCelsius();
                utilizations[row] = (short) sample.utilizationPercent();
                powers[row] = sample.powerDrawWatts() == null ? null : sample.powerDrawWatts().shortValue();
                fans[row] = sample.fanSpeedPercent() == null ? null : sample.fanSpeedPercent().shortValue();
                recordedAt[row] = timestamp;
                var health = sample.health();
                smClocks[row] = health.smClockMhz();
                memoryTemperatures[row] = health.memoryTemperatureCelsius() == null ? null : health.memoryTemperatureCelsius().shortValue();
                throttles[row] = health.throttleReasons() == null ? null : health.throttleReasons().shortValue();
                eccErrors[row] = health.eccUncorrectedVolatile();
                remapPending[row] = health.remappedRowsPending();
                remapFailure[row] = health.remappedRowsFailure();
                pcieReplays[row] = health.pcieReplayCount();
                clockCorrected[row] = batch.clockCorrected();
                row++;
            }
        }
        try (var statement = connection.prepareStatement(INSERT)) {
            statement.setArray(1, connection.createArrayOf("bigint", workerIds));
            statement.setArray(2, connection.createArrayOf("smallint", gpuIndexes));
            statement.setArray(3, connection.createArrayOf("integer", vramUsed));
            statement.setArray(4, connection.createArrayOf("integer", vramTotal));
            statement.setArray(5, connection.createArrayOf("smallint", temperatures));
            statement.setArray(6, connection.createArrayOf("smallint", utilizations));
            statement.setArray(7, connection.createArrayOf("smallint", powers));
            statement.setArray(8, connection.createArrayOf("smallint", fans));
            statement.setArray(9, connection.createArrayOf("text", recordedAt));
            statement.setArray(10, connection.createArrayOf("integer", smClocks));
            statement.setArray(11, connection.createArrayOf("smallint", memoryTemperatures));
            statement.setArray(12, connection.createArrayOf("smallint", throttles));
            statement.setArray(13, connection.createArrayOf("bigint", eccErrors));
            statement.setArray(14, connection.createArrayOf("boolean", remapPending));
            statement.setArray(15, connection.createArrayOf("boolean", remapFailure));
            statement.setArray(16, connection.createArrayOf("bigint", pcieReplays));
            statement.setArray(17, connection.createArrayOf("boolean", clockCorrected));
            statement.executeUpdate();
        }
    }

    /** The workers of a group that had been offline, and the last_seen_at it gave them (null when it touched none). */
    record Seen(List<Long> backOnline, Instant at) {
    }

    /** Records that the workers were heard from, and their clock offsets. */
    static Seen markSeen(Connection connection, List<MetricsBatch> batches) throws SQLException {
        // each worker's newest batch in the group tells how far off its clock is now
        var clockOffsets = new LinkedHashMap<Long, Long>();
        batches.forEach(batch -> clockOffsets.put(batch.workerId(), batch.clockOffsetMs()));
        var backOnline = new ArrayList<Long>();
        Instant at = null;
        try (var statement = connection.prepareStatement(Worker.MARK_SEEN_SQL)) {
            statement.setArray(1, connection.createArrayOf("bigint", clockOffsets.keySet().toArray(Long[]::new)));
            statement.setArray(2, connection.createArrayOf("bigint", clockOffsets.values().toArray(Long[]::new)));
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (!rows.getBoolean(2)) {
                        backOnline.add(rows.getLong(1));
                    }
                    at = rows.getTimestamp(3).toInstant();
                }
            }
        }
        return new Seen(backOnline, at);
    }
}
