package com.trulience.alerts.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** Warning and critical levels of one metric, for one worker or (worker NULL) for all of them. */
@Entity
@Table(name = "metric_thresholds")
@NamedQuery(name = MetricThreshold.GLOBAL, query = "SELECT t FROM MetricThreshold t WHERE t.workerId IS NULL ORDER BY t.metricName")
@NamedQuery(name = MetricThreshold.ALL, query = "SELECT t FROM MetricThreshold t ORDER BY t.metricName")
public class MetricThreshold {

    public static final String GLOBAL = "MetricThreshold.global";
    public static final String ALL = "MetricThreshold.all";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "worker_id")
    private Long workerId;

    @Column(name = "metric_name")
    private String metricName;

    @Column(name = "warning_value")
    private int warningValue;

    @Column(name = "critical_value")
    private int criticalValue;

    @Column(name = "is_enabled")
    private boolean enabled;

    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", insertable = false, updatable = false)
    private OffsetDateTime updatedAt;

    protected MetricThreshold() {
    }

    public MetricThreshold(Long workerId, String metricName, int warningValue, int criticalValue) {
        if (warningValue > criticalValue) {
            throw new IllegalArgumentException("warning_value must not exceed critical_value");
        }
        this.workerId = workerId;
        this.metricName = metricName;
        this.warningValue = warningValue;
        this.criticalValue = criticalValue;
        this.enabled = true;
    }

    public Long id() {
        return id;
    }

    public Long workerId() {
        return workerId;
    }

    public String metricName() {
        return metricName;
    }

    public int warningValue() {
        return warningValue;
    }

    public int criticalValue() {
        return criticalValue;
    }

    public boolean enabled() {
        return enabled;
    }
}
