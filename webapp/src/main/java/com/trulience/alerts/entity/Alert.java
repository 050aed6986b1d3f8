package com.trulience.alerts.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A threshold or built-in condition of one worker (and GPU), open until it is resolved. */
@Entity
@Table(name = "alerts")
public class Alert {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "worker_id")
    private long workerId;

    /** Null for conditions of the whole worker, such as offline. */
    @Column(name = "gpu_index")
    private Short gpuIndex;

    @Column(name = "metric_name")
    private String metricName;

    /** {@code warning} or {@code critical}. */
    private String severity;

    /** {@code open} or {@code resolved}. */
    private String state;

    private Double value;

    @Column(name = "threshold_value")
    private Integer thresholdValue;

    private String message;

    @Column(name = "opened_at")
    private OffsetDateTime openedAt;

    @Column(name = "last_notified_at")
    private OffsetDateTime lastNotifiedAt;

    @Column(name = "resolved_at")
    private OffsetDateTime resolvedAt;

    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", insertable = false, updatable = false)
    private OffsetDateTime updatedAt;

    protected Alert() {
    }

    public Long id() {
        return id;
    }

    public long workerId() {
        return workerId;
    }

    public Short gpuIndex() {
        return gpuIndex;
    }

    public String metricName() {
        return metricName;
    }

    public String severity() {
        return severity;
    }

    public String state() {
        return state;
    }

    public Double value() {
        return value;
    }

    public Integer thresholdValue() {
        return thresholdValue;
    }

    public String message() {
        return message;
    }

    public OffsetDateTime openedAt() {
        return openedAt;
    }

    public OffsetDateTime lastNotifiedAt() {
        return lastNotifiedAt;
    }

    public OffsetDateTime resolvedAt() {
        return resolvedAt;
    }
}
