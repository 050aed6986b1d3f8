package com.trulience.alerts.entity;

import com.trulience.metrics.entity.Metric;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedNativeQuery;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * A threshold or built-in condition of one worker (and GPU), open until it is resolved. Rows change only through
 * the guarded statements below: each names the state it expects, so that when two backend nodes (or two writer
 * threads) race on the same alert, exactly one of them performs, and reports, the transition.
 */
@Entity
@Table(name = "alerts")
@NamedQuery(name = Alert.OPEN_OF_WORKERS, query = "SELECT a FROM Alert a WHERE a.state = 'open' AND a.workerId IN :workerIds ORDER BY a.id")
@NamedQuery(name = Alert.LIST, query = """
        SELECT a FROM Alert a WHERE (:state = 'all' OR a.state = :state) AND (:workerId = 0 OR a.workerId = :workerId)
        ORDER BY a.openedAt DESC, a.id DESC""")
@NamedQuery(name = Alert.ESCALATE, query = """
        UPDATE Alert a SET a.severity = 'critical', a.value = :value, a.thresholdValue = :threshold, a.message = :message,
        a.lastNotifiedAt = :at, a.recoveringSamples = 0
        WHERE a.id = :id AND a.state = 'open' AND a.severity = 'warning'""")
@NamedQuery(name = Alert.REPEAT, query = """
        UPDATE Alert a SET a.value = :value, a.message = :message, a.lastNotifiedAt = :at, a.recoveringSamples = 0
        WHERE a.id = :id AND a.state = 'open' AND a.lastNotifiedAt <= :notNotifiedSince""")
@NamedQuery(name = Alert.COUNT_RECOVERING, query = """
        UPDATE Alert a SET a.recoveringSamples = :samples WHERE a.id = :id AND a.state = 'open'""")
@NamedQuery(name = Alert.RESOLVE, query = """
        UPDATE Alert a SET a.state = 'resolved', a.resolvedAt = :at, a.recoveringSamples = :samples
        WHERE a.id = :id AND a.state = 'open'""")
// The casts: a null parameter arrives untyped. ON CONFLICT: uq_alerts_open refuses a second open alert; whoever inserted first opened it (and notifies).
@NamedNativeQuery(name = Alert.OPEN, query = """
        INSERT INTO alerts (worker_id, gpu_index, metric_name, severity, value, threshold_value, message, opened_at, last_notified_at)
        VALUES (?1, CAST(?2 AS SMALLINT), ?3, ?4, CAST(?5 AS DOUBLE PRECISION), CAST(?6 AS INTEGER), ?7, ?8, ?8)
        ON CONFLICT DO NOTHING RETURNING id""")
// Offline is decided by the liveness UPDATE on workers, by whichever node: the alert opens only while the worker
// is still offline, so that a late event cannot open it after the worker came back.
@NamedNativeQuery(name = Alert.OPEN_OFFLINE, query = """
        INSERT INTO alerts (worker_id, gpu_index, metric_name, severity, message, opened_at, last_notified_at)
        SELECT id, NULL, 'worker_offline', 'critical', ?2, NOW(), NOW() FROM workers WHERE id = ?1 AND NOT online
        ON CONFLICT DO NOTHING RETURNING id, worker_id, opened_at, message""")
@NamedNativeQuery(name = Alert.RESOLVE_OFFLINE, query = """
        UPDATE alerts SET state = 'resolved', resolved_at = NOW()
        WHERE worker_id = ?1 AND gpu_index IS NULL AND metric_name = 'worker_offline' AND state = 'open'
        RETURNING id, worker_id, opened_at, message""")
@NamedNativeQuery(name = Alert.REPEAT_OFFLINE, query = """
        UPDATE alerts SET last_notified_at = NOW()
        WHERE metric_name = 'worker_offline' AND state = 'open' AND last_notified_at <= NOW() - make_interval(mins => ?1)
        RETURNING id, worker_id, opened_at, message""")
public class Alert {

    public static final String OPEN_OF_WORKERS = "Alert.openOfWorkers";
    /** Parameters state (open, resolved or all) and workerId (0 for all). */
    public static final String LIST = "Alert.list";
    public static final String ESCALATE = "Alert.escalate";
    public static final String REPEAT = "Alert.repeat";
    public static final String COUNT_RECOVERING = "Alert.countRecovering";
    public static final String RESOLVE = "Alert.resolve";
    public static final String OPEN = "Alert.open";
    /** These three return rows of id, worker_id, opened_at, message. */
    public static final String OPEN_OFFLINE = "Alert.openOffline";
    public static final String RESOLVE_OFFLINE = "Alert.resolveOffline";
    public static final String REPEAT_OFFLINE = "Alert.repeatOffline";

    /** Built-in conditions beside the thresholds of {@link Metric}. */
    public static final String WORKER_OFFLINE = "worker_offline";
    public static final String GPU_MISSING = "gpu_missing";
    public static final String VRAM_FULL = "vram_full";

    /** What an alert of this metric name is about, in words: the metric's label or the built-in condition's. */
    public static String label(String metricName) {
        return switch (metricName) {
            case WORKER_OFFLINE -> "Worker offline";
            case GPU_MISSING -> "GPU missing";
            case VRAM_FULL -> "VRAM full";
            default -> Metric.labelOf(metricName);
        };
    }

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

    /** Consecutive samples below the warning level minus the hysteresis. */
    @Column(name = "recovering_samples")
    private short recoveringSamples;

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

    public Severity severity() {
        return Severity.of(severity);
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

    public int recoveringSamples() {
        return recoveringSamples;
    }
}
