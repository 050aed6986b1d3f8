package com.trulience.restarts.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * Audit record of one restart request and its progress. Rows are never deleted, and one that reached completed or
 * failed never changes (V10 enforces both, and allows one restart in flight per worker).
 */
@Entity
@Table(name = "restart_logs")
@NamedQuery(name = RestartLog.BY_WORKER, query = "SELECT r, u.username FROM RestartLog r, User u "
        + "WHERE u.id = r.initiatedBy AND r.workerId = :workerId ORDER BY r.id DESC")
@NamedQuery(name = RestartLog.IN_FLIGHT, query = "SELECT r FROM RestartLog r "
        + "WHERE r.workerId = :workerId AND r.status NOT IN ('completed', 'failed')")
public class RestartLog {

    public static final String BY_WORKER = "RestartLog.byWorker";
    public static final String IN_FLIGHT = "RestartLog.inFlight";
    public static final int MAX_REASON = 500;
    public static final int MAX_ERROR = 1000;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "worker_id")
    private long workerId;

    @Column(name = "service_name")
    private String serviceName;

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
        this.workerId = workerId;
        this.serviceName = serviceName;
        this.initiatedBy = initiatedBy;
        this.reason = reason;
        this.force = force;
        this.status = RestartStatus.INITIATED.wire();
        this.startedAt = OffsetDateTime.now();
    }

    /** A request that could not even be sent (e.g. the worker is offline): recorded as failed at once. */
    public static RestartLog refused(long workerId, String serviceName, long initiatedBy, String reason, boolean force,
                                     String why) {
        var log = new RestartLog(workerId, serviceName, initiatedBy, reason, force);
        log.moveTo(RestartStatus.FAILED, why);
        return log;
    }

    /**
     * Moves on to {@code next}; false when it is already there (an agent may repeat a status after reconnecting).
     *
     * @throws IllegalStateException for a step back, a skip, or any change after completed/failed
     */
    public boolean moveTo(RestartStatus next, String error) {
        var current = RestartStatus.of(status);
        if (current == next) {
            return false;
        }
        if (!current.next().contains(next)) {
            throw new IllegalStateException(current.isFinal()
                    ? "restart " + id + " is already " + status
                    : "cannot go from " + status + " to " + next.wire() + " (next may be " + current.next().stream()
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

    public long initiatedBy() {
        return initiatedBy;
    }

    public String status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public boolean force() {
        return force;
    }

    public boolean inFlight() {
        return !RestartStatus.of(status).isFinal();
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
