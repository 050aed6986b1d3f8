package com.trulience.alerts.control;

import com.trulience.alerts.control.Lifecycle.Condition;
import com.trulience.alerts.entity.Alert;
import com.trulience.metrics.entity.GpuEvent;
import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.Metric;
import com.trulience.metrics.entity.MetricsBatch;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The alert lifecycle as a pure function of the samples, the thresholds and the open alerts: no clock but the
 * samples' own timestamps, no database. A value that reached critical (at or above it; at or below it for a metric
 * where lower is worse) raises or escalates at once; one that reached warning raises a warning; an open alert
 * resolves after {@link AlertSettings#RESOLVING_SAMPLES} consecutive samples back past warning by the hysteresis.
 * A critical alert stays critical until resolved (no de-escalation, which would only add noise). While the condition
 * stays bad, it is notified again once per cooldown. The health conditions are {@link HealthRules}'.
 * <p>
 * Samples are applied per GPU in time order: one at or before the newest already applied to that GPU (a group
 * evaluated after a newer one, or a replay) is skipped, so that consecutive-sample counts only ever move forward.
 */
public final class AlertRules {

    private final AlertSettings settings;
    private final HealthRules health;

    public AlertRules(AlertSettings settings) {
        this.settings = settings;
        this.health = new HealthRules(settings.xidQuiet());
    }

    /** The decisions in the order they must be applied, the open alerts after them and the GPUs' state after them. */
    public record Evaluation(List<Decision> decisions, Map<AlertKey, OpenAlert> open, Map<GpuKey, GpuState> state) {
    }

    /** For GPUs evaluated for the first time. */
    public Evaluation evaluate(List<MetricsBatch> batches, Map<Long, List<AnnouncedGpu>> announced,
                               EffectiveThresholds thresholds, Map<AlertKey, OpenAlert> openBefore) {
        return evaluate(batches, announced, thresholds, openBefore, Map.of());
    }

    public Evaluation evaluate(List<MetricsBatch> batches, Map<Long, List<AnnouncedGpu>> announced,
                               EffectiveThresholds thresholds, Map<AlertKey, OpenAlert> openBefore, Map<GpuKey, GpuState> stateBefore) {
        var run = new Lifecycle(openBefore, settings.cooldown());
        var state = new HashMap<>(stateBefore);
        var ordered = batches.stream().sorted(Comparator.comparing(MetricsBatch::recordedAt)).toList();
        for (var batch : ordered) {
            var gpus = announced.getOrDefault(batch.workerId(), List.of());
            for (var sample : batch.samples()) {
                var key = new GpuKey(batch.workerId(), sample.gpuIndex());
                var before = state.getOrDefault(key, GpuState.NEW);
                if (!before.isLate(batch.recordedAt())) {
                    evaluateSample(run, batch, sample, gpus, thresholds);
                    state.put(key, health.sample(run, batch.workerId(), sample.gpuIndex(), sample.health(), before, batch.recordedAt())
                            .evaluated(batch.recordedAt()));
                }
            }
            evaluatePresence(run, batch, gpus, state);
        }
        return new Evaluation(List.copyOf(run.decisions), run.open, state);
    }

    /** One event of a worker's GPU; state is the GPU's, to tell a stale lost-GPU event. */
    public Evaluation evaluate(GpuEvent event, Map<AlertKey, OpenAlert> openBefore, GpuState state) {
        var run = new Lifecycle(openBefore, settings.cooldown());
        health.event(run, event, state);
        return new Evaluation(List.copyOf(run.decisions), run.open, Map.of());
    }

    private void evaluateSample(Lifecycle run, MetricsBatch batch, GpuSample sample, List<AnnouncedGpu> gpus, EffectiveThresholds thresholds) {
        long worker = batch.workerId();
        Instant at = batch.recordedAt();
        // the agent's frames are validated: a card's total VRAM is at least 1 MB
        double vramPercent = Metric.vramUsedPercent(sample.vramUsedMb(), sample.vramTotalMb());
        threshold(run, thresholds, worker, sample.gpuIndex(), Metric.TEMPERATURE_CELSIUS, sample.temperatureCelsius(), at, NO_NOTE);
        threshold(run, thresholds, worker, sample.gpuIndex(), Metric.VRAM_USED_PERCENT, vramPercent, at,
                () -> holderNote(sample));
        threshold(run, thresholds, worker, sample.gpuIndex(), Metric.UTILIZATION_PERCENT, sample.utilizationPercent(), at, NO_NOTE);
        var card = gpus.stream().filter(gpu -> gpu.gpuIndex() == sample.gpuIndex()).findFirst();
        Integer limit = card.map(AnnouncedGpu::powerLimitWatts).filter(value -> value != null && value > 0).orElse(null);
        Double powerPercent = Metric.powerDrawPercent(sample.powerDrawWatts(), limit);
        if (powerPercent != null) {
            threshold(run, thresholds, worker, sample.gpuIndex(), Metric.POWER_DRAW_PERCENT, powerPercent, at, NO_NOTE);
        }
        // a card that reports no slowdown temperature has no margin
        Double margin = Metric.temperatureMarginCelsius(card.map(AnnouncedGpu::slowdownTemperatureCelsius).orElse(null),
                sample.temperatureCelsius());
        if (margin != null) {
            threshold(run, thresholds, worker, sample.gpuIndex(), Metric.TEMPERATURE_MARGIN_CELSIUS, margin, at, NO_NOTE);
        }
        int full = settings.vramFullPercent();
        var condition = classify(Metric.VRAM_USED_PERCENT, vramPercent, full, full);
        run.step(new AlertKey(worker, sample.gpuIndex(), Alert.VRAM_FULL), condition, vramPercent, full,
                () -> "GPU " + sample.gpuIndex() + " VRAM " + describe(Metric.VRAM_USED_PERCENT, condition,
                        format(vramPercent) + " % used", full) + holderNote(sample), at);
    }

    private static final Supplier<String> NO_NOTE = () -> "";

    /** Who holds the most of a GPU's VRAM, the question behind every VRAM alert; empty when the agent does not say. */
    private static String holderNote(GpuSample sample) {
        String top = sample.processes().topHolder();
        return top == null ? "" : "; top holder: " + top;
    }

    private void threshold(Lifecycle run, EffectiveThresholds thresholds, long worker, int gpu, Metric metric, double value, Instant at,
                           Supplier<String> note) {
        var key = new AlertKey(worker, gpu, metric.metricName());
        var levels = thresholds.of(worker, metric).filter(Levels::enabled);
        if (levels.isEmpty()) {
            // Switched off: the condition no longer applies, so an open alert winds down like a recovered one.
            if (run.open.containsKey(key)) {
                run.step(key, Condition.CLEAR, value, null, () -> "GPU " + gpu + " " + metric.metricName() + " alerting disabled", at);
            }
            return;
        }
        var condition = classify(metric, value, levels.get().warning(), levels.get().critical());
        int level = condition == Condition.CRITICAL ? levels.get().critical() : levels.get().warning();
        run.step(key, condition, value, level, () -> "GPU " + gpu + " " + metric.metricName() + " "
                + describe(metric, condition, format(value) + " " + metric.unit(), level) + note.get(), at);
    }

    /**
     * An announced GPU missing from a batch disappeared; one in lost_gpus was reported lost by the agent. Each GPU's
     * presence is judged only by a batch newer than the last one applied to it.
     */
    private void evaluatePresence(Lifecycle run, MetricsBatch batch, List<AnnouncedGpu> gpus, Map<GpuKey, GpuState> state) {
        var present = new HashSet<Integer>();
        batch.samples().forEach(sample -> present.add(sample.gpuIndex()));
        var indexes = new HashSet<>(present);
        indexes.addAll(batch.lostGpus());
        gpus.forEach(gpu -> indexes.add(gpu.gpuIndex()));
        for (int gpu : indexes) {
            var key = new AlertKey(batch.workerId(), gpu, Alert.GPU_MISSING);
            if (present.contains(gpu)) {
                // its sample was just applied (or skipped as late, and then so is this)
                if (state.get(new GpuKey(batch.workerId(), gpu)).evaluatedUntil().equals(batch.recordedAt())) {
                    run.step(key, Condition.CLEAR, null, null, () -> "GPU " + gpu + " reports again", batch.recordedAt());
                }
                continue;
            }
            var gpuKey = new GpuKey(batch.workerId(), gpu);
            var before = state.getOrDefault(gpuKey, GpuState.NEW);
            if (before.isLate(batch.recordedAt())) {
                continue;
            }
            state.put(gpuKey, before.evaluated(batch.recordedAt()));
            boolean lost = batch.lostGpus().contains(gpu);
            run.step(key, Condition.CRITICAL, null, null, () -> lost ? "GPU " + gpu + " was reported lost by the agent"
                    : "GPU " + gpu + " announced in the agent's hello is missing from its report", batch.recordedAt());
        }
    }

    private Condition classify(Metric metric, double value, int warning, int critical) {
        if (metric.reached(value, critical)) {
            return Condition.CRITICAL;
        }
        if (metric.reached(value, warning)) {
            return Condition.WARNING;
        }
        return metric.awayFrom(value, warning) > settings.hysteresis() ? Condition.CLEAR : Condition.HOLD;
    }

    private String describe(Metric metric, Condition condition, String value, int level) {
        String unit = metric.unit();
        return switch (condition) {
            case CRITICAL -> value + " " + metric.reachedSign() + " critical " + level + " " + unit;
            case WARNING -> value + " " + metric.reachedSign() + " warning " + level + " " + unit;
            case HOLD, CLEAR -> value + ", " + (metric.lowerIsWorse() ? "above " + (level + settings.hysteresis())
                    : "below " + (level - settings.hysteresis())) + " " + unit;
        };
    }

    static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
