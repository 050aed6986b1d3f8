package com.trulience.metrics.control;

import com.trulience.platform.control.Timestamps;
import com.trulience.metrics.entity.ComfyUiNow;
import com.trulience.metrics.entity.ComfyUiSample;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads what {@link ComfyUiSql} stored: the workers' newest ComfyUI state and a worker's job counts over time. */
@ApplicationScoped
public class ComfyUi {

    /** A chart needs no more; the raw window at the default interval is 17,280 samples a day. */
    public static final int MAX_SAMPLES = 20_000;

    @PersistenceContext
    EntityManager em;

    public Map<Long, ComfyUiNow> latest(Collection<Long> workerIds) {
        var latest = new HashMap<Long, ComfyUiNow>();
        if (workerIds.isEmpty()) {
            return latest;
        }
        List<?> rows = em.createNativeQuery("""
                SELECT worker_id, recorded_at, received_at, reachable, version, jobs_running, jobs_pending,
                       running_prompt_id, idle_since, unreachable_samples
                FROM comfyui_latest WHERE worker_id = ANY(CAST(?1 AS bigint[]))""")
                .setParameter(1, workerIds.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}")))
                .getResultList();
        for (Object row : rows) {
            var c = (Object[]) row;
            long worker = ((Number) c[0]).longValue();
            latest.put(worker, new ComfyUiNow(worker, Timestamps.instant(c[1]), Timestamps.instant(c[2]), (Boolean) c[3], (String) c[4],
                    integer(c[5]), integer(c[6]), (String) c[7], Timestamps.instant(c[8]), ((Number) c[9]).intValue()));
        }
        return latest;
    }

    public Optional<ComfyUiNow> latest(long workerId) {
        return Optional.ofNullable(latest(List.of(workerId)).get(workerId));
    }

    /** Oldest first, at most {@link #MAX_SAMPLES} (the newest ones). */
    public List<ComfyUiSample> samples(long workerId, Instant since, Instant until) {
        List<?> rows = em.createNativeQuery("""
                SELECT recorded_at, reachable, jobs_running, jobs_pending FROM (
                    SELECT * FROM comfyui_samples WHERE worker_id = ?1 AND recorded_at >= ?2 AND recorded_at <= ?3
                    ORDER BY recorded_at DESC LIMIT ?4) newest
                ORDER BY recorded_at""")
                .setParameter(1, workerId).setParameter(2, OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC))
                .setParameter(3, OffsetDateTime.ofInstant(until, java.time.ZoneOffset.UTC)).setParameter(4, MAX_SAMPLES)
                .getResultList();
        return rows.stream().map(row -> {
            var c = (Object[]) row;
            return new ComfyUiSample(Timestamps.instant(c[0]), (Boolean) c[1], integer(c[2]), integer(c[3]));
        }).toList();
    }

    private static Integer integer(Object column) {
        return column == null ? null : ((Number) column).intValue();
    }
}
