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
import java.util.List;

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
@NamedQuery(name = Alert.OPEN_GPU_TROUBLE, query = """
        SELECT a FROM Alert a WHERE a.state = 'open' AND a.severity = 'critical' AND a.gpuIndex IS NOT NULL
        AND (a.metricName = 'gpu_missing' OR a.metricName LIKE 'xid!_%' ESCAPE '!') ORDER BY a.openedAt DESC, a.id DESC""")
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
    /** Open critical alerts of a lost GPU or a hardware Xid, newest first: a GPU card's banner. */
    public static final String OPEN_GPU_TROUBLE = "Alert.openGpuTrouble";
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
    /** GPU health (issue 17): the card's own reports beyond the thresholds. */
    public static final String THERMAL_THROTTLE = "thermal_throttle";
    public static final String POWER_THROTTLE = "power_throttle";
    public static final String ECC_UNCORRECTED = "ecc_uncorrected";
    public static final String ROW_REMAP_FAILURE = "row_remap_failure";
    public static final String ROW_REMAP_PENDING = "row_remap_pending";
    /** ComfyUI (issue 18): a worker whose ComfyUI does not answer, a GPU whose VRAM is held while ComfyUI is idle. */
    public static final String COMFYUI_UNREACHABLE = "comfyui_unreachable";
    public static final String IDLE_VRAM_HELD = "idle_vram_held";
    /** One alert per GPU and Xid: {@code xid_79}. */
    public static final String XID_PREFIX = "xid_";

    /** Every built-in kind, for the API; an Xid alert's kind is {@code xid_<code>}. */
    public static final List<String> BUILT_IN = List.of(WORKER_OFFLINE, GPU_MISSING, VRAM_FULL, THERMAL_THROTTLE,
            POWER_THROTTLE, ECC_UNCORRECTED, ROW_REMAP_FAILURE, ROW_REMAP_PENDING, COMFYUI_UNREACHABLE, IDLE_VRAM_HELD,
            XID_PREFIX + "<code>");

    public static String xid(int code) {
        return XID_PREFIX + code;
    }

    public static boolean isXid(String metricName) {
        return metricName.startsWith(XID_PREFIX);
    }

    /** What an alert of this metric name is about, in words: the metric's label or the built-in condition's. */
    public static String label(String metricName) {
        return switch (metricName) {
            case WORKER_OFFLINE -> "Worker offline";
            case GPU_MISSING -> "GPU missing";
            case VRAM_FULL -> "VRAM full";
            case THERMAL_THROTTLE -> "Thermal throttling";
            case POWER_THROTTLE -> "Power throttling";
            case ECC_UNCORRECTED -> "Uncorrected ECC errors";
            case ROW_REMAP_FAILURE -> "Row remapping failed";
            case ROW_REMAP_PENDING -> "Row remap pending (reset the GPU)";
            case COMFYUI_UNREACHABLE -> "ComfyUI unreachable";
            case IDLE_VRAM_HELD -> "VRAM held while ComfyUI is idle";
            default -> isXid(metricName) ? "Xid " + metricName.substring(XID_PREFIX.length()) : Metric.labelOf(metricName);
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
