package com.trulience.alerts.control;

import com.trulience.platform.control.Timestamps;
import com.trulience.alerts.entity.Severity;
import com.trulience.alerts.entity.Alert;
import com.trulience.alerts.entity.AlertEscalated;
import com.trulience.alerts.entity.AlertNotice;
import com.trulience.alerts.entity.AlertRaised;
import com.trulience.alerts.entity.AlertRepeated;
import com.trulience.alerts.entity.AlertResolved;
import com.trulience.alerts.entity.AlertTransition;
import com.trulience.metrics.control.ComfyUi;
import com.trulience.metrics.entity.GpuEvent;
import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.workers.entity.Worker;
import com.trulience.workers.entity.WorkerName;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Applies the alert lifecycle to the database. One transaction per stored group with four reads (the GPUs' evaluation
 * state, open alerts, thresholds, announced GPUs, all in bulk) and writes for the GPUs' state and for changes. The
 * GPUs' state rows are locked, so that two nodes or writer threads evaluating the same worker take turns and continue
 * each other's counts in sample order; the guarded statements on {@link Alert} make each transition happen, and be
 * notified, once. One piece although over 250 lines: samples, GPU events and offline workers go through the same
 * transaction shape (lock, decide, apply, notify); the offline transitions are the part that could move out next.
 */
@ApplicationScoped
public class Alerts {

    @PersistenceContext
    EntityManager em;

    @Inject
    Thresholds thresholds;

    @Inject
    @ConfigProperty(name = "alert.cooldown.minutes", defaultValue = "5")
    int cooldownMinutes;

    @Inject
    @ConfigProperty(name = "alert.hysteresis", defaultValue = "2")
    int hysteresis;

    @Inject
    @ConfigProperty(name = "alert.vram.full.percent", defaultValue = "99")
    int vramFullPercent;

    @Inject
    @ConfigProperty(name = "alert.xid.quiet.minutes", defaultValue = "30")
    int xidQuietMinutes;

    /** A decimal, so that a test can wait seconds (0.05 = 3 s). */
    @Inject
    @ConfigProperty(name = "leak.idle.minutes", defaultValue = "10")
    double leakIdleMinutes;

    @Inject
    @ConfigProperty(name = "leak.vram.percent", defaultValue = "50")
    int leakVramPercent;

    @Inject
    ComfyUi comfyUi;

    private AlertRules rules;
    private ComfyUiRules comfyUiRules;

    @PostConstruct
    void configure() {
        rules = new AlertRules(new AlertSettings(Duration.ofMinutes(cooldownMinutes), hysteresis, vramFullPercent,
                Duration.ofMinutes(xidQuietMinutes)));
        comfyUiRules = new ComfyUiRules(Duration.ofMillis(Math.round(leakIdleMinutes * 60_000)), leakVramPercent,
                Duration.ofMinutes(cooldownMinutes));
    }

    public Duration cooldown() {
        return Duration.ofMinutes(cooldownMinutes);
    }

    /** The transitions that this call committed, for the caller to announce once the transaction is over. */
    @Transactional
    public List<AlertTransition> evaluate(List<MetricsBatch> batches) {
        var workerIds = batches.stream().map(MetricsBatch::workerId).distinct().toList();
        var announced = announced(workerIds);
        var gpus = new HashSet<GpuKey>();
        for (var batch : batches) {
            batch.samples().forEach(sample -> gpus.add(new GpuKey(batch.workerId(), sample.gpuIndex())));
            batch.lostGpus().forEach(gpu -> gpus.add(new GpuKey(batch.workerId(), gpu)));
            announced.getOrDefault(batch.workerId(), List.of()).forEach(gpu -> gpus.add(new GpuKey(batch.workerId(), gpu.gpuIndex())));
        }
        // first, so that evaluations of the same worker take turns before they read its open alerts
        var stateBefore = GpuStates.lock(em, gpus);
        var open = openAlerts(workerIds);
        var evaluation = rules.evaluate(batches, announced, thresholds.inForce(workerIds), open, stateBefore);
        GpuStates.save(em, stateBefore, evaluation.state());
        var decisions = new ArrayList<>(evaluation.decisions());
        decisions.addAll(comfyUi(batches, evaluation.open()));
        return decisions.isEmpty() ? List.of() : apply(decisions, open);
    }

    /** Only for the workers whose agent watches ComfyUI: their stored state (committed with these batches) and services. */
    private List<Decision> comfyUi(List<MetricsBatch> batches, Map<AlertKey, OpenAlert> open) {
        var watched = batches.stream().filter(batch -> batch.comfyui() != null).map(MetricsBatch::workerId).distinct().toList();
        if (watched.isEmpty()) {
            return List.of();
        }
        var services = new HashMap<Long, List<String>>();
        watched.forEach(id -> {
            var worker = em.find(Worker.class, id);
            services.put(id, worker == null ? List.of() : worker.services());
        });
        return comfyUiRules.evaluate(batches, comfyUi.latest(watched), services, open);
    }

    /** An event of the agent's event thread (stored once: a replay does not come here). */
    @Transactional
    public List<AlertTransition> event(GpuEvent event) {
        var key = new GpuKey(event.workerId(), event.gpuIndex());
        var state = GpuStates.lock(em, Set.of(key)).getOrDefault(key, GpuState.NEW);
        var open = openAlerts(List.of(event.workerId()));
        var evaluation = rules.evaluate(event, open, state);
        return evaluation.decisions().isEmpty() ? List.of() : apply(evaluation.decisions(), open);
    }

    private Map<AlertKey, OpenAlert> openAlerts(List<Long> workerIds) {
        var open = new HashMap<AlertKey, OpenAlert>();
        em.createNamedQuery(Alert.OPEN_OF_WORKERS, Alert.class)
                .setParameter("workerIds", workerIds)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList()
                .forEach(alert -> {
                    var key = new AlertKey(alert.workerId(), alert.gpuIndex() == null ? null : alert.gpuIndex().intValue(), alert.metricName());
                    open.put(key, new OpenAlert(key, alert.id(), alert.severity(), alert.openedAt().toInstant(),
                            alert.lastNotifiedAt() == null ? alert.openedAt().toInstant() : alert.lastNotifiedAt().toInstant(),
                            alert.recoveringSamples()));
                });
        return open;
    }

    private Map<Long, List<AnnouncedGpu>> announced(List<Long> workerIds) {
        var announced = new HashMap<Long, List<AnnouncedGpu>>();
        for (Object[] row : em.createNamedQuery(Worker.GPUS_OF, Object[].class).setParameter("ids", workerIds).getResultList()) {
            announced.computeIfAbsent(((Number) row[0]).longValue(), id -> new ArrayList<>())
                    .add(new AnnouncedGpu(((Number) row[1]).intValue(), integer(row[2]), integer(row[3])));
        }
        return announced;
    }

    private static Integer integer(Object column) {
        return column == null ? null : ((Number) column).intValue();
    }

    private record Applied(Decision decision, long alertId, Instant openedAt) {
    }

    private List<AlertTransition> apply(List<Decision> decisions, Map<AlertKey, OpenAlert> open) {
        var ids = new HashMap<AlertKey, Long>();
        var openedAt = new HashMap<AlertKey, Instant>();
        open.forEach((key, alert) -> {
            ids.put(key, alert.id());
            openedAt.put(key, alert.openedAt());
        });
        var applied = new ArrayList<Applied>();
        for (var decision : decisions) {
            var key = decision.key();
            if (decision.kind() == Decision.Kind.RAISE) {
                List<?> inserted = em.createNamedQuery(Alert.OPEN)
                        .setParameter(1, key.workerId())
                        .setParameter(2, key.gpuIndex() == null ? null : key.gpuIndex().shortValue())
                        .setParameter(3, key.metricName())
                        .setParameter(4, decision.severity().wire())
                        .setParameter(5, decision.value())
                        .setParameter(6, decision.thresholdValue())
                        .setParameter(7, decision.message())
                        .setParameter(8, time(decision.at()))
                        .getResultList();
                // Empty: another node opened it first and notifies; this evaluation leaves that alert to the next sample.
                if (!inserted.isEmpty()) {
                    ids.put(key, ((Number) inserted.get(0)).longValue());
                    openedAt.put(key, decision.at());
                    applied.add(new Applied(decision, ids.get(key), decision.at()));
                }
                continue;
            }
            Long id = ids.get(key);
            if (id == null) {
                continue;
            }
            var update = switch (decision.kind()) {
                case ESCALATE -> em.createNamedQuery(Alert.ESCALATE)
                        .setParameter("value", decision.value())
                        .setParameter("threshold", decision.thresholdValue())
                        .setParameter("message", decision.message())
                        .setParameter("at", time(decision.at()));
                case REPEAT -> em.createNamedQuery(Alert.REPEAT)
                        .setParameter("value", decision.value())
                        .setParameter("message", decision.message())
                        .setParameter("at", time(decision.at()))
                        .setParameter("notNotifiedSince", time(decision.at().minus(cooldown())));
                case RECOVERING -> em.createNamedQuery(Alert.COUNT_RECOVERING)
                        .setParameter("samples", (short) decision.recoveringSamples());
                case RESOLVE -> em.createNamedQuery(Alert.RESOLVE)
                        .setParameter("samples", (short) decision.recoveringSamples())
                        .setParameter("at", time(decision.at()));
                case RAISE -> throw new IllegalStateException("handled above");
            };
            boolean changed = update.setParameter("id", id).executeUpdate() == 1;
            if (changed && decision.notifies()) {
                applied.add(new Applied(decision, id, openedAt.get(key)));
            }
            if (decision.kind() == Decision.Kind.RESOLVE) {
                ids.remove(key);
            }
        }
        return transitions(applied);
    }

    private List<AlertTransition> transitions(List<Applied> applied) {
        if (applied.isEmpty()) {
            return List.of();
        }
        var workerIds = new HashSet<Long>();
        applied.forEach(change -> workerIds.add(change.decision().key().workerId()));
        var names = new HashMap<Long, String>();
        em.createNamedQuery(Worker.NAMES_OF, WorkerName.class).setParameter("ids", workerIds).getResultStream()
                .forEach(worker -> names.put(worker.id(), worker.name()));
        return applied.stream().map(change -> {
            var decision = change.decision();
            var key = decision.key();
            var notice = new AlertNotice(change.alertId(), key.workerId(), names.get(key.workerId()), key.gpuIndex(),
                    key.metricName(), decision.severity(), decision.value(), decision.thresholdValue(), decision.message(),
                    change.openedAt(), decision.at());
            return transition(decision.kind(), notice);
        }).toList();
    }

    @Transactional
    public List<AlertTransition> workerOffline(long workerId, String reason) {
        var rows = em.createNamedQuery(Alert.OPEN_OFFLINE).setParameter(1, workerId)
                .setParameter(2, "worker is offline: " + reason).getResultList();
        return offlineTransitions(rows, Decision.Kind.RAISE);
    }

    @Transactional
    public List<AlertTransition> workerOnline(long workerId) {
        return offlineTransitions(em.createNamedQuery(Alert.RESOLVE_OFFLINE).setParameter(1, workerId).getResultList(), Decision.Kind.RESOLVE);
    }

    /** Offline workers send no samples that could trigger a repeat, so a timer reminds of them. */
    @Transactional
    public List<AlertTransition> remindOfOfflineWorkers() {
        return offlineTransitions(em.createNamedQuery(Alert.REPEAT_OFFLINE).setParameter(1, cooldownMinutes).getResultList(), Decision.Kind.REPEAT);
    }

    private List<AlertTransition> offlineTransitions(List<?> rows, Decision.Kind kind) {
        var now = Instant.now();
        var applied = new ArrayList<Applied>();
        for (Object row : rows) {
            var columns = (Object[]) row;
            long workerId = ((Number) columns[1]).longValue();
            String message = (kind == Decision.Kind.RESOLVE ? "resolved: " : kind == Decision.Kind.REPEAT ? "still: " : "")
                    + (kind == Decision.Kind.RESOLVE ? "worker is online again" : (String) columns[3]);
            var decision = new Decision(kind, new AlertKey(workerId, null, Alert.WORKER_OFFLINE), Severity.CRITICAL, null, null, message, now, 0);
            applied.add(new Applied(decision, ((Number) columns[0]).longValue(), Timestamps.instant(columns[2])));
        }
        return transitions(applied);
    }

    static AlertTransition transition(Decision.Kind kind, AlertNotice notice) {
        return switch (kind) {
            case RAISE -> new AlertRaised(notice);
            case ESCALATE -> new AlertEscalated(notice);
            case REPEAT -> new AlertRepeated(notice);
            case RESOLVE -> new AlertResolved(notice);
            case RECOVERING -> throw new IllegalArgumentException("not a transition");
        };
    }

    static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
