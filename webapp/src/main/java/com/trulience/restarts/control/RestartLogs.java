package com.trulience.restarts.control;

import com.trulience.platform.control.JsonP;
import com.trulience.platform.control.ClusterSignals;
import com.trulience.restarts.entity.Action;
import com.trulience.restarts.entity.RestartChanged;
import com.trulience.restarts.entity.RestartCommand;
import com.trulience.restarts.entity.RestartLog;
import com.trulience.restarts.entity.RestartStatus;
import com.trulience.restarts.entity.StatusReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
        if (log.status() == RestartStatus.INITIATED) {
            cluster.publish(RestartDispatch.TOPIC, JsonP.PROVIDER.createObjectBuilder().add("worker_id", log.workerId())
                    .add("restart_id", log.id()).build());
        }
        return log;
    }

    /** Marks the worker's initiated restart as sent, if no node has sent it yet; returns the command to send. */
    @Transactional
    public Optional<RestartCommand> claimCommand(long workerId) {
        return em.createNamedQuery(RestartLog.CLAIM_COMMAND, RestartCommand.class).setParameter(1, workerId)
                .getResultStream().findFirst();
    }

    /** The workers with an initiated restart that no node has sent yet. */
    public List<Long> undispatched() {
        return em.createNamedQuery(RestartLog.UNDISPATCHED, Long.class).getResultList();
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
        return em.createNamedQuery(RestartLog.LATEST_PER_WORKER, RestartLog.class).setParameter(1, recentMinutes)
                .getResultStream().collect(Collectors.toMap(RestartLog::workerId, Function.identity()));
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
     *
     * @throws StatusRefused for a restart of another worker, or a step the restart cannot take
     */
    @Transactional
    public Optional<RestartChanged> advance(long workerId, StatusReport report) {
        return advance(workerId, report, false);
    }

    /**
     * The same for an {@code action_status} (free_memory, interrupt): a restart's row takes only restart_status
     * frames, an action's only action_status frames.
     */
    @Transactional
    public Optional<RestartChanged> advanceAction(long workerId, StatusReport report) {
        return advance(workerId, report, true);
    }

    private Optional<RestartChanged> advance(long workerId, StatusReport report, boolean action) {
        var log = em.find(RestartLog.class, report.restartId(), LockModeType.PESSIMISTIC_WRITE);
        if (log == null || log.workerId() != workerId || (log.action() != Action.RESTART) != action) {
            throw action ? new StatusRefused("action_id", "is not an action (free_memory, interrupt) of this worker")
                    : new StatusRefused("restart_id", "is not a restart of this worker");
        }
        try {
            return log.moveTo(report) ? Optional.of(RestartChanged.of(log)) : Optional.empty();
        } catch (IllegalStateException illegal) {
            throw new StatusRefused("status", illegal.getMessage());
        }
    }

    /**
     * Fails restarts no agent acknowledged in time, and in-flight ones without news for too long (the agent died
     * mid-restart: its statuses lived only in its memory). Idempotent, so every node may run it.
     */
    @Transactional
    public List<RestartChanged> failOverdue(int ackSeconds, int staleMinutes) {
        return em.createNamedQuery(RestartLog.FAIL_OVERDUE, RestartChanged.class)
                .setParameter(1, ackSeconds)
                .setParameter(2, staleMinutes)
                .setParameter(3, ackSeconds)
                .setParameter(4, staleMinutes)
                .getResultList();
    }
}
