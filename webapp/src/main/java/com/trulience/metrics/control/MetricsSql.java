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
 * sample hits the unique index and is skipped (and so is not counted again in its minute of gpu_metrics_minute,
 * which only the rows actually inserted feed). The latest sample of a GPU is replaced by a newer one, and by any
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
                RETURNING worker_id, gpu_index, recorded_at, vram_used_mb, vram_total_mb, temperature_celsius,
                          utilization_percent, power_draw_watts, fan_speed_percent, sm_clock_mhz, memory_temperature_celsius
            ), minutes AS (
                INSERT INTO gpu_metrics_minute AS m (worker_id, gpu_index, minute, samples, vram_used_mb_max,
                        vram_used_mb_sum, vram_total_mb, temperature_celsius_max, temperature_celsius_sum,
                        utilization_percent_max, utilization_percent_sum, power_draw_samples, power_draw_watts_max,
                        power_draw_watts_sum, fan_speed_samples, fan_speed_percent_sum, sm_clock_samples, sm_clock_mhz_sum,
                        memory_temperature_samples, memory_temperature_celsius_sum)
                SELECT worker_id, gpu_index, date_trunc('minute', recorded_at, 'UTC'), COUNT(*), MAX(vram_used_mb),
                       SUM(vram_used_mb), MAX(vram_total_mb), MAX(temperature_celsius), SUM(temperature_celsius),
                       MAX(utilization_percent), SUM(utilization_percent), COUNT(power_draw_watts), MAX(power_draw_watts),
                       SUM(power_draw_watts), COUNT(fan_speed_percent), SUM(fan_speed_percent), COUNT(sm_clock_mhz),
                       SUM(sm_clock_mhz), COUNT(memory_temperature_celsius), SUM(memory_temperature_celsius)
                FROM stored
                GROUP BY 1, 2, 3
                -- one order for every writer, so that two groups never wait for each other's minutes crosswise
                ORDER BY 1, 2, 3
                ON CONFLICT (worker_id, gpu_index, minute) DO UPDATE SET
                    samples = m.samples + EXCLUDED.samples,
                    vram_used_mb_max = GREATEST(m.vram_used_mb_max, EXCLUDED.vram_used_mb_max),
                    vram_used_mb_sum = m.vram_used_mb_sum + EXCLUDED.vram_used_mb_sum,
                    vram_total_mb = GREATEST(m.vram_total_mb, EXCLUDED.vram_total_mb),
                    temperature_celsius_max = GREATEST(m.temperature_celsius_max, EXCLUDED.temperature_celsius_max),
                    temperature_celsius_sum = m.temperature_celsius_sum + EXCLUDED.temperature_celsius_sum,
                    utilization_percent_max = GREATEST(m.utilization_percent_max, EXCLUDED.utilization_percent_max),
                    utilization_percent_sum = m.utilization_percent_sum + EXCLUDED.utilization_percent_sum,
                    power_draw_samples = m.power_draw_samples + EXCLUDED.power_draw_samples,
                    power_draw_watts_max = GREATEST(m.power_draw_watts_max, EXCLUDED.power_draw_watts_max),
                    power_draw_watts_sum = CASE WHEN m.power_draw_watts_sum IS NULL THEN EXCLUDED.power_draw_watts_sum
                        ELSE m.power_draw_watts_sum + COALESCE(EXCLUDED.power_draw_watts_sum, 0) END,
                    fan_speed_samples = m.fan_speed_samples + EXCLUDED.fan_speed_samples,
                    fan_speed_percent_sum = CASE WHEN m.fan_speed_percent_sum IS NULL THEN EXCLUDED.fan_speed_percent_sum
                        ELSE m.fan_speed_percent_sum + COALESCE(EXCLUDED.fan_speed_percent_sum, 0) END,
                    sm_clock_samples = m.sm_clock_samples + EXCLUDED.sm_clock_samples,
                    sm_clock_mhz_sum = CASE WHEN m.sm_clock_mhz_sum IS NULL THEN EXCLUDED.sm_clock_mhz_sum
                        ELSE m.sm_clock_mhz_sum + COALESCE(EXCLUDED.sm_clock_mhz_sum, 0) END,
                    memory_temperature_samples = m.memory_temperature_samples + EXCLUDED.memory_temperature_samples,
                    memory_temperature_celsius_sum = CASE WHEN m.memory_temperature_celsius_sum IS NULL
                        THEN EXCLUDED.memory_temperature_celsius_sum
                        ELSE m.memory_temperature_celsius_sum + COALESCE(EXCLUDED.memory_temperature_celsius_sum, 0) END
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
