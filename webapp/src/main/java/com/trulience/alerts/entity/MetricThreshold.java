package com.trulience.alerts.entity;

import com.trulience.metrics.entity.Metric;
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
@NamedQuery(name = MetricThreshold.ALL, query = "SELECT t FROM MetricThreshold t ORDER BY t.workerId NULLS FIRST, t.metricName")
@NamedQuery(name = MetricThreshold.OF_WORKER, query = "SELECT t FROM MetricThreshold t WHERE t.workerId = :workerId ORDER BY t.metricName")
@NamedQuery(name = MetricThreshold.APPLYING_TO, query = "SELECT t FROM MetricThreshold t WHERE t.workerId IS NULL OR t.workerId IN :workerIds")
@NamedQuery(name = MetricThreshold.DELETE_OF_WORKER, query = "DELETE FROM MetricThreshold t WHERE t.workerId = :workerId")
@NamedQuery(name = MetricThreshold.DELETE_ONE_OF_WORKER,
        query = "DELETE FROM MetricThreshold t WHERE t.workerId = :workerId AND t.metricName = :metricName")
public class MetricThreshold {

    public static final String GLOBAL = "MetricThreshold.global";
    public static final String ALL = "MetricThreshold.all";
    public static final String OF_WORKER = "MetricThreshold.ofWorker";
    /** The global rows plus the overrides of the workers given. */
    public static final String APPLYING_TO = "MetricThreshold.applyingTo";
    public static final String DELETE_OF_WORKER = "MetricThreshold.deleteOfWorker";
    public static final String DELETE_ONE_OF_WORKER = "MetricThreshold.deleteOneOfWorker";

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

    /** workerId null: the global default. */
    public MetricThreshold(Long workerId, Metric metric, int warningValue, int criticalValue, boolean enabled) {
        this.workerId = workerId;
        this.metricName = metric.metricName();
        change(warningValue, criticalValue, enabled);
    }

    /** Throws IllegalArgumentException when the levels are outside the metric's range or not warning < critical. */
    public void change(int warningValue, int criticalValue, boolean enabled) {
        Metric.named(metricName).orElseThrow(() -> new IllegalArgumentException("unknown metric " + metricName))
                .checkLevels(warningValue, criticalValue);
        this.warningValue = warningValue;
        this.criticalValue = criticalValue;
        this.enabled = enabled;
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
