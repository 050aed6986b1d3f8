package com.trulience.restarts.entity;

import jakarta.persistence.ColumnResult;
import jakarta.persistence.Column;
import jakarta.persistence.ConstructorResult;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedNativeQuery;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SqlResultSetMapping;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * Audit record of one restart or remediation action (free_memory, interrupt) and its progress. Rows are never deleted, and one that reached completed or
 * failed never changes (V10 enforces both, and allows one restart in flight per worker).
 */
@Entity
@Table(name = "restart_logs")
@NamedQuery(name = RestartLog.BY_WORKER, query = "SELECT NEW com.trulience.restarts.entity.RestartByAdmin(r, u.username) "
        + "FROM RestartLog r, User u WHERE u.id = r.initiatedBy AND r.workerId = :workerId ORDER BY r.id DESC")
@NamedQuery(name = RestartLog.IN_FLIGHT, query = "SELECT r FROM RestartLog r "
        + "WHERE r.workerId = :workerId AND r.status NOT IN ('completed', 'failed')")
@NamedQuery(name = RestartLog.UNDISPATCHED, query = "SELECT DISTINCT r.workerId FROM RestartLog r "
        + "WHERE r.status = 'initiated' AND r.dispatchedAt IS NULL")
// The guarded UPDATE lets exactly one caller on any node have the command.
@NamedNativeQuery(name = RestartLog.CLAIM_COMMAND, resultSetMapping = RestartLog.AS_COMMAND, query = """
        UPDATE restart_logs SET dispatched_at = NOW()
        WHERE worker_id = ?1 AND status = 'initiated' AND dispatched_at IS NULL
        RETURNING id, action, service_name, force, reason""")
@SqlResultSetMapping(name = RestartLog.AS_COMMAND, classes = @ConstructorResult(targetClass = RestartCommand.class, columns = {
    @ColumnResult(name = "id", type = long.class), @ColumnResult(name = "action", type = String.class),
    @ColumnResult(name = "service_name", type = String.class),
    @ColumnResult(name = "force", type = boolean.class), @ColumnResult(name = "reason", type = String.class)}))
@NamedNativeQuery(name = RestartLog.LATEST_PER_WORKER, resultClass = RestartLog.class, query = """
        SELECT DISTINCT ON (worker_id) * FROM restart_logs
        WHERE status NOT IN ('completed', 'failed') OR completed_at > NOW() - make_interval(mins => CAST(?1 AS int))
        ORDER BY worker_id, id DESC""")
@NamedNativeQuery(name = RestartLog.FAIL_OVERDUE, resultSetMapping = RestartLog.AS_CHANGE, query = """
        UPDATE restart_logs SET status = 'failed', completed_at = NOW(),
            error_message = CASE
                WHEN status = 'initiated' AND dispatched_at IS NULL
                THEN 'agent unreachable: no backend node held its connection within ' || CAST(?1 AS text) || ' s'
                WHEN status = 'initiated'
                THEN 'agent unreachable: the ' || CASE WHEN action = 'restart' THEN 'restart' ELSE action || ' action' END
                    || ' was not acknowledged within ' || CAST(?1 AS text) || ' s'
                ELSE 'no status from the agent for ' || CAST(?2 AS text) || ' minutes (was ' || status || ')' END
        WHERE (status = 'initiated' AND started_at < NOW() - make_interval(secs => CAST(?3 AS int)))
           OR (status IN ('waiting_for_job', 'stopping', 'restarting', 'running')
               AND updated_at < NOW() - make_interval(mins => CAST(?4 AS int)))
        RETURNING id, worker_id, status, error_message""")
@SqlResultSetMapping(name = RestartLog.AS_CHANGE, classes = @ConstructorResult(targetClass = RestartChanged.class, columns = {
    @ColumnResult(name = "id", type = long.class), @ColumnResult(name = "worker_id", type = long.class),
    @ColumnResult(name = "status", type = String.class), @ColumnResult(name = "error_message", type = String.class)}))
public class RestartLog {

    public static final String BY_WORKER = "RestartLog.byWorker";
    public static final String IN_FLIGHT = "RestartLog.inFlight";
    /** Ids of the workers with an initiated restart that no node has sent yet. */
    public static final String UNDISPATCHED = "RestartLog.undispatched";
    /** Marks the worker's initiated, unsent restart as sent (?1 worker id); returns it as a {@link RestartCommand}. */
    public static final String CLAIM_COMMAND = "RestartLog.claimCommand";
    /** Each worker's newest restart that is in flight or ended within ?1 minutes. */
    public static final String LATEST_PER_WORKER = "RestartLog.latestPerWorker";
    /**
     * Fails restarts not acknowledged within ?1 (and ?3) seconds and in-flight ones without news for ?2 (and ?4)
     * minutes; returns each as a {@link RestartChanged}.
     */
    public static final String FAIL_OVERDUE = "RestartLog.failOverdue";
    static final String AS_COMMAND = "RestartLog.asCommand";
    static final String AS_CHANGE = "RestartLog.asChange";
    public static final int MAX_REASON = 500;
    public static final int MAX_ERROR = 1000;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "worker_id")
    private long workerId;

    @Column(name = "service_name")
    private String serviceName;

    /** restart, free_memory or interrupt (a CHECK in the table). */
    private String action;

    /** A free_memory's used VRAM before and after, as the agent measured it; null for the others. */
    @Column(name = "vram_before_mb")
    private Integer vramBeforeMb;

    @Column(name = "vram_after_mb")
    private Integer vramAfterMb;

    /** The idle_vram_held alert an automatic free_memory answers (unique: one action per alert). */
    @Column(name = "alert_id")
    private Long alertId;

    @Column(name = "initiated_by")
    private long initiatedBy;

    /** initiated, waiting_for_job, stopping, restarting, completed or failed (a CHECK in the table). */
    private String status;

    private String reason;

    private boolean force;

    @Column(name = "started_at")
    private OffsetDateTime startedAt;

    @Column(name = "completed_at")
    private OffsetDateTime completedAt;

    @Column(name = "error_message")
    private String errorMessage;

    /** When a node sent the command to the agent; claimed by RestartLogs' guarded UPDATE only. */
    @Column(name = "dispatched_at", insertable = false, updatable = false)
    private OffsetDateTime dispatchedAt;

    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", insertable = false, updatable = false)
    private OffsetDateTime updatedAt;

    protected RestartLog() {
    }

    public RestartLog(long workerId, String serviceName, long initiatedBy, String reason, boolean force) {
        this(workerId, Action.RESTART, serviceName, initiatedBy, reason, force);
    }

    public RestartLog(long workerId, Action action, String serviceName, long initiatedBy, String reason, boolean force) {
        this.workerId = workerId;
        this.action = action.wire();
        this.serviceName = serviceName;
        this.initiatedBy = initiatedBy;
        this.reason = reason;
        this.force = force;
        this.status = RestartStatus.INITIATED.wire();
        this.startedAt = OffsetDateTime.now();
    }

    /** A request that could not even be sent (e.g. the worker is offline): recorded as failed at once. */
    public static RestartLog refused(long workerId, Action action, String serviceName, long initiatedBy, String reason,
                                     boolean force, String why) {
        var log = new RestartLog(workerId, action, serviceName, initiatedBy, reason, force);
        log.moveTo(RestartStatus.FAILED, why);
        return log;
    }

    public static RestartLog refused(long workerId, String serviceName, long initiatedBy, String reason, boolean force,
                                     String why) {
        return refused(workerId, Action.RESTART, serviceName, initiatedBy, reason, force, why);
    }

    /** An automatic action answering the alert; the database keeps it to one per alert. */
    public RestartLog answering(long alertId) {
        this.alertId = alertId;
        return this;
    }

    /** Applies an agent's report, with the VRAM figures an action's report carries; false when it repeats the status. */
    public boolean moveTo(StatusReport report) {
        boolean moved = moveTo(report.status(), report.errorMessage());
        if (moved && action() != Action.RESTART) {
            vramBeforeMb = report.vramBeforeMb() == null ? vramBeforeMb : report.vramBeforeMb();
            vramAfterMb = report.vramAfterMb() == null ? vramAfterMb : report.vramAfterMb();
        }
        return moved;
    }

    /**
     * Moves on to {@code next}; false when it is already there (an agent may repeat a status after reconnecting).
     *
     * @throws IllegalStateException for a step back, a skip, or any change after completed/failed
     */
    public boolean moveTo(RestartStatus next, String error) {
        var current = status();
        if (current == next) {
            return false;
        }
        var allowed = current.next(action());
        if (!allowed.contains(next)) {
            throw new IllegalStateException(current.isFinal()
                    ? (action() == Action.RESTART ? "restart " : action + " action ") + id + " is already " + status
                    : "cannot go from " + status + " to " + next.wire() + " (next may be " + allowed.stream()
                            .map(RestartStatus::wire).sorted().toList() + ")");
        }
        status = next.wire();
        if (next.isFinal()) {
            completedAt = OffsetDateTime.now();
            errorMessage = next == RestartStatus.FAILED ? error : null;
        }
        return true;
    }

    public Long id() {
        return id;
    }

    public long workerId() {
        return workerId;
    }

    public String serviceName() {
        return serviceName;
    }

    public Action action() {
        return action == null ? Action.RESTART : Action.named(action).orElseThrow();
    }

    public Integer vramBeforeMb() {
        return vramBeforeMb;
    }

    public Integer vramAfterMb() {
        return vramAfterMb;
    }

    public Long alertId() {
        return alertId;
    }

    public long initiatedBy() {
        return initiatedBy;
    }

    public RestartStatus status() {
        return RestartStatus.of(status);
    }

    public String reason() {
        return reason;
    }

    public boolean force() {
        return force;
    }

    public boolean inFlight() {
        return !status().isFinal();
    }

    public OffsetDateTime startedAt() {
        return startedAt;
    }

    public OffsetDateTime completedAt() {
        return completedAt;
    }

    public String errorMessage() {
        return errorMessage;
    }
}
