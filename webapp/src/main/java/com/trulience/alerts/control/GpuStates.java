package com.trulience.alerts.control;

import com.trulience.platform.control.Timestamps;
import jakarta.persistence.EntityManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads, locks and writes {@link GpuState} (V12 {@code gpu_alert_state}) inside the caller's transaction. Locking the
 * rows of the GPUs about to be evaluated serializes evaluations of one worker's GPUs, whichever thread or node runs
 * them; together with {@link GpuState#isLate} that keeps the per-GPU order of samples. The GPU lists travel as array
 * literals, so that a whole group is one statement.
 */
final class GpuStates {

    // DO UPDATE (not NOTHING) so that existing rows are locked and returned too; in key order, against deadlocks.
    private static final String LOCK = """
            INSERT INTO gpu_alert_state AS s (worker_id, gpu_index, evaluated_until)
            SELECT k.worker_id, k.gpu_index, '-infinity' FROM unnest(CAST(?1 AS BIGINT[]), CAST(?2 AS SMALLINT[])) AS k(worker_id, gpu_index)
            ORDER BY 1, 2
            ON CONFLICT (worker_id, gpu_index) DO UPDATE SET evaluated_until = s.evaluated_until
            RETURNING worker_id, gpu_index, CASE WHEN evaluated_until = '-infinity' THEN NULL ELSE evaluated_until END,
                      thermal_throttle_samples, power_throttle_samples""";

    private static final String SAVE = """
            UPDATE gpu_alert_state AS s SET evaluated_until = k.evaluated_until,
                thermal_throttle_samples = k.thermal, power_throttle_samples = k.power
            FROM unnest(CAST(?1 AS BIGINT[]), CAST(?2 AS SMALLINT[]), CAST(?3 AS TIMESTAMPTZ[]), CAST(?4 AS SMALLINT[]),
                        CAST(?5 AS SMALLINT[])) AS k(worker_id, gpu_index, evaluated_until, thermal, power)
            WHERE s.worker_id = k.worker_id AND s.gpu_index = k.gpu_index""";

    private GpuStates() {
    }

    static Map<GpuKey, GpuState> lock(EntityManager em, Set<GpuKey> gpus) {
        var state = new HashMap<GpuKey, GpuState>();
        if (gpus.isEmpty()) {
            return state;
        }
        var sorted = gpus.stream().sorted((a, b) -> a.workerId() != b.workerId() ? Long.compare(a.workerId(), b.workerId())
                : Integer.compare(a.gpuIndex(), b.gpuIndex())).toList();
        List<?> rows = em.createNativeQuery(LOCK)
                .setParameter(1, array(sorted.stream().map(key -> Long.toString(key.workerId())).toList()))
                .setParameter(2, array(sorted.stream().map(key -> Integer.toString(key.gpuIndex())).toList()))
                .getResultList();
        for (Object row : rows) {
            var columns = (Object[]) row;
            state.put(new GpuKey(((Number) columns[0]).longValue(), ((Number) columns[1]).intValue()),
                    new GpuState(Timestamps.instant(columns[2]), ((Number) columns[3]).intValue(), ((Number) columns[4]).intValue()));
        }
        return state;
    }

    /** Writes the states that changed. */
    static void save(EntityManager em, Map<GpuKey, GpuState> before, Map<GpuKey, GpuState> after) {
        var changed = after.entrySet().stream().filter(entry -> !entry.getValue().equals(before.get(entry.getKey())))
                .filter(entry -> entry.getValue().evaluatedUntil() != null).toList();
        if (changed.isEmpty()) {
            return;
        }
        em.createNativeQuery(SAVE)
                .setParameter(1, array(changed.stream().map(entry -> Long.toString(entry.getKey().workerId())).toList()))
                .setParameter(2, array(changed.stream().map(entry -> Integer.toString(entry.getKey().gpuIndex())).toList()))
                .setParameter(3, array(changed.stream().map(entry -> entry.getValue().evaluatedUntil().toString()).toList()))
                .setParameter(4, array(changed.stream().map(entry -> Integer.toString(entry.getValue().thermalThrottleSamples())).toList()))
                .setParameter(5, array(changed.stream().map(entry -> Integer.toString(entry.getValue().powerThrottleSamples())).toList()))
                .executeUpdate();
    }

    /** A PostgreSQL array literal of numbers or ISO-8601 instants: nothing in it needs quoting. */
    private static String array(List<String> elements) {
        return elements.stream().collect(Collectors.joining(",", "{", "}"));
    }
}
