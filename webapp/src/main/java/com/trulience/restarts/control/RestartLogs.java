package com.trulience.restarts.control;

import com.trulience.agents.control.InvalidFrame;
import com.trulience.agents.control.RestartStatusFrame;
import com.trulience.platform.control.ClusterSignals;
import com.trulience.restarts.entity.RestartChanged;
import com.trulience.restarts.entity.RestartLog;
import com.trulience.restarts.entity.RestartStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The restart log's writes, each its own transaction, so that callers send and fire events only after commit. */
@ApplicationScoped
public class RestartLogs {

    @PersistenceContext
    EntityManager em;

    @Inject
    ClusterSignals cluster;

    /**
     * Inserts the row; the database refuses a second restart in flight for the worker. An initiated restart is
     * announced to the other nodes on commit: the agent's socket may be on one of them.
     *
     * @throws PersistenceException from the unique index when another restart is in flight (see {@link #isInFlightConflict})
     */
    @Transactional
    public RestartLog record(RestartLog log) {
        em.persist(log);
        em.flush();
        if (RestartStatus.INITIATED.wire().equals(log.status())) {
            cluster.publish(RestartDispatch.TOPIC, Json.createObjectBuilder().add("worker_id", log.workerId())
                    .add("restart_id", log.id()).build());
        }
        return log;
    }

    /**
     * Marks the worker's initiated restart as sent, if no node has sent it yet: the guarded UPDATE lets exactly one
     * caller on any node have it. Returns the command to send.
     */
    @Transactional
    public Optional<String> claimCommand(long workerId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        UPDATE restart_logs SET dispatched_at = NOW()
                        WHERE worker_id = ?1 AND status = 'initiated' AND dispatched_at IS NULL
                        RETURNING id, service_name, force, reason""")
                .setParameter(1, workerId)
                .getResultList();
        return rows.stream().findFirst().map(row -> command(((Number) row[0]).longValue(), (String) row[1],
                (Boolean) row[2], (String) row[3]));
    }

    /** The workers with an initiated restart that no node has sent yet. */
    public List<Long> undispatched() {
        @SuppressWarnings("unchecked")
        List<Number> workers = em.createNativeQuery(
                        "SELECT worker_id FROM restart_logs WHERE status = 'initiated' AND dispatched_at IS NULL")
                .getResultList();
        return workers.stream().map(Number::longValue).toList();
    }

    static String command(long restartId, String serviceName, boolean force, String reason) {
        var json = Json.createObjectBuilder().add("type", "restart").add("restart_id", restartId)
                .add("service_name", serviceName).add("force", force);
        if (reason == null) {
            json.addNull("reason");
        } else {
            json.add("reason", reason);
        }
        return json.build().toString();
    }

    public Optional<RestartLog> inFlight(long workerId) {
        return em.createNamedQuery(RestartLog.IN_FLIGHT, RestartLog.class).setParameter("workerId", workerId)
                .getResultStream().findFirst();
    }

    /**
     * Each worker's newest restart that is in flight or ended within {@code recentMinutes}, by worker id: what the
     * dashboard's cards show, in one query for the whole fleet.
     */
    public Map<Long, RestartLog> latestPerWorker(int recentMinutes) {
        @SuppressWarnings("unchecked")
        List<RestartLog> latest = em.createNativeQuery("""
                        SELECT DISTINCT ON (worker_id) * FROM restart_logs
                        WHERE status NOT IN ('completed', 'failed') OR completed_at > NOW() - make_interval(mins => CAST(?1 AS int))
                        ORDER BY worker_id, id DESC""", RestartLog.class)
                .setParameter(1, recentMinutes)
                .getResultList();
        return latest.stream().collect(Collectors.toMap(RestartLog::workerId, Function.identity()));
    }

    /** Whether the failure was uq_restart_logs_in_flight, i.e. another request won the race. */
    public static boolean isInFlightConflict(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())
                    && String.valueOf(sql.getMessage()).contains("uq_restart_logs_in_flight")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies an agent's status to its restart; empty when it repeats the current one. The row is locked, so a
     * timeout failing it at the same moment is applied before or after, never lost.
     */
    @Transactional
    public Optional<RestartChanged> advance(long workerId, RestartStatusFrame frame) {
        var log = em.find(RestartLog.class, frame.restartId(), LockModeType.PESSIMISTIC_WRITE);
        if (log == null || log.workerId() != workerId) {
            throw new InvalidFrame("restart_id", "is not a restart of this worker");
        }
        try {
            return log.moveTo(RestartStatus.of(frame.status()), frame.errorMessage())
                    ? Optional.of(RestartChanged.of(log)) : Optional.empty();
        } catch (IllegalStateException illegal) {
            throw new InvalidFrame("status", illegal.getMessage());
        }
    }

    /**
     * Fails restarts no agent acknowledged in time, and in-flight ones without news for too long (the agent died
     * mid-restart: its statuses lived only in its memory). Idempotent, so every node may run it.
     */
    @Transactional
    public List<RestartChanged> failOverdue(int ackSeconds, int staleMinutes) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        UPDATE restart_logs SET status = 'failed', completed_at = NOW(),
                            error_message = CASE
                                WHEN status = 'initiated' AND dispatched_at IS NULL
                                THEN 'agent unreachable: no backend node held its connection within ' || CAST(?1 AS text) || ' s'
                                WHEN status = 'initiated'
                                THEN 'agent unreachable: the restart was not acknowledged within ' || CAST(?1 AS text) || ' s'
                                ELSE 'no status from the agent for ' || CAST(?2 AS text) || ' minutes (was ' || status || ')' END
                        WHERE (status = 'initiated' AND started_at < NOW() - make_interval(secs => CAST(?3 AS int)))
                           OR (status IN ('waiting_for_job', 'stopping', 'restarting')
                               AND updated_at < NOW() - make_interval(mins => CAST(?4 AS int)))
                        RETURNING id, worker_id, status, error_message""")
                .setParameter(1, ackSeconds)
                .setParameter(2, staleMinutes)
                .setParameter(3, ackSeconds)
                .setParameter(4, staleMinutes)
                .getResultList();
        return rows.stream().map(row -> new RestartChanged(((Number) row[0]).longValue(), ((Number) row[1]).longValue(),
                (String) row[2], (String) row[3])).toList();
    }
}
