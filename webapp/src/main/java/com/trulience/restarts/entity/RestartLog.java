package com.trulience.restarts.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** Audit record of one restart request and its progress. */
@Entity
@Table(name = "restart_logs")
public class RestartLog {

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

    @Column(name = "started_at")
    private OffsetDateTime startedAt;

    @Column(name = "completed_at")
    private OffsetDateTime completedAt;

    @Column(name = "error_message")
    private String errorMessage;

    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", insertable = false, updatable = false)
    private OffsetDateTime updatedAt;

    protected RestartLog() {
    }

    public RestartLog(long workerId, String serviceName, long initiatedBy, String reason) {
        this.workerId = workerId;
        this.serviceName = serviceName;
        this.initiatedBy = initiatedBy;
        this.reason = reason;
        this.status = "initiated";
        this.startedAt = OffsetDateTime.now();
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
