package com.trulience.metrics.control;

import com.trulience.platform.control.Timestamps;
import com.trulience.metrics.entity.GpuEvent;
import com.trulience.metrics.entity.Xid;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The workers' GPU events (V12 {@code gpu_events}): stored once whatever the agent replays, each Xid counted once
 * per GPU and code (V19 {@code gpu_xid_counts}, which retention leaves alone), listed newest first with the
 * catalog's meaning and action.
 */
@ApplicationScoped
public class GpuEvents {

    public static final int MAX_LIMIT = 1000;

    /**
     * One statement: the event, and for an Xid its GPU's count (db/V19) raised only when the event was stored now,
     * not replayed, so that trulience_gpu_xid_events_total counts each event once whatever node stores it.
     */
    private static final String INSERT = """
            WITH stored AS (
                INSERT INTO gpu_events (worker_id, gpu_index, uuid, kind, xid, occurred_at)
                VALUES (?1, CAST(?2 AS SMALLINT), ?3, ?4, CAST(?5 AS INTEGER), ?6)
                ON CONFLICT DO NOTHING RETURNING id, worker_id, gpu_index, kind, xid, occurred_at, received_at),
            counted AS (
                INSERT INTO gpu_xid_counts AS c (worker_id, gpu_index, xid, events_total, first_counted_at, last_occurred_at)
                SELECT worker_id, gpu_index, xid, 1, received_at, occurred_at FROM stored WHERE kind = 'xid'
                ON CONFLICT (worker_id, gpu_index, xid) DO UPDATE
                SET events_total = c.events_total + 1, last_occurred_at = GREATEST(c.last_occurred_at, EXCLUDED.last_occurred_at))
            SELECT id FROM stored""";

    private static final String LIST = """
            SELECT gpu_index, uuid, kind, xid, occurred_at, received_at FROM gpu_events
            WHERE worker_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3
            ORDER BY occurred_at DESC, id DESC LIMIT ?4""";

    @PersistenceContext
    EntityManager em;

    /** An event as the API and the worker page show it. */
    public record StoredEvent(int gpuIndex, String uuid, String kind, Integer xid, OffsetDateTime occurredAt,
                              OffsetDateTime receivedAt, String severity, String meaning, String action) {
    }

    /** Committed when it returns; false when this event was stored before (the agent replayed it). */
    @Transactional
    public boolean store(GpuEvent event) {
        return !em.createNativeQuery(INSERT)
                .setParameter(1, event.workerId())
                .setParameter(2, (short) event.gpuIndex())
                .setParameter(3, event.uuid())
                .setParameter(4, event.kind().wireName())
                .setParameter(5, event.xid())
                .setParameter(6, event.occurredAt().atOffset(ZoneOffset.UTC))
                .getResultList().isEmpty();
    }

    /** Newest first, occurred in [since, until). */
    public List<StoredEvent> of(long workerId, Instant since, Instant until, int limit) {
        List<?> rows = em.createNativeQuery(LIST)
                .setParameter(1, workerId)
                .setParameter(2, since.atOffset(ZoneOffset.UTC))
                .setParameter(3, until.atOffset(ZoneOffset.UTC))
                .setParameter(4, limit)
                .getResultList();
        return rows.stream().map(row -> {
            var columns = (Object[]) row;
            var kind = GpuEvent.Kind.of((String) columns[2]);
            Integer xid = columns[3] == null ? null : ((Number) columns[3]).intValue();
            Xid meaning = GpuEvent.meaning(kind, xid);
            return new StoredEvent(((Number) columns[0]).intValue(), (String) columns[1], kind.wireName(), xid,
                    Timestamps.instant(columns[4]).atOffset(ZoneOffset.UTC), Timestamps.instant(columns[5]).atOffset(ZoneOffset.UTC), meaning.severity().wireName(), meaning.meaning(), meaning.action().words());
        }).toList();
    }
}
