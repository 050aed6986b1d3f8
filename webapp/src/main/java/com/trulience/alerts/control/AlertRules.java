package com.trulience.alerts.control;

import com.trulience.alerts.entity.Alert;
import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.Metric;
import com.trulience.metrics.entity.MetricsBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The alert lifecycle as a pure function of the samples, the thresholds and the open alerts: no clock but the
 * samples' own timestamps, no database. A value at or above critical raises or escalates at once; at or above
 * warning raises a warning; an open alert resolves after {@link AlertSettings#RESOLVING_SAMPLES} consecutive
 * samples below warning minus the hysteresis. A critical alert stays critical until resolved (no de-escalation,
 * which would only add noise). While the condition stays bad, it is notified again once per cooldown.
 */
public final class AlertRules {

    private static final String WARNING = "warning";
    private static final String CRITICAL = "critical";

    private enum Condition { CRITICAL, WARNING, HOLD, CLEAR }

    private final AlertSettings settings;

    public AlertRules(AlertSettings settings) {
        this.settings = settings;
    }

    /** The decisions in the order they must be applied, and the open alerts after them. */
    public record Evaluation(List<Decision> decisions, Map<AlertKey, OpenAlert> open) {
    }

    public Evaluation evaluate(List<MetricsBatch> batches, Map<Long, List<AnnouncedGpu>> announced,
                               EffectiveThresholds thresholds, Map<AlertKey, OpenAlert> openBefore) {
        var run = new Run(new HashMap<>(openBefore), new ArrayList<>());
        var ordered = batches.stream().sorted(Comparator.comparing(MetricsBatch::recordedAt)).toList();
        for (var batch : ordered) {
            var gpus = announced.getOrDefault(batch.workerId(), List.of());
            for (var sample : batch.samples()) {
                evaluateSample(run, batch, sample, gpus, thresholds);
            }
            evaluatePresence(run, batch, gpus);
        }
        return new Evaluation(List.copyOf(run.decisions), run.open);
    }

    private record Run(Map<AlertKey, OpenAlert> open, List<Decision> decisions) {
    }

    private void evaluateSample(Run run, MetricsBatch batch, GpuSample sample, List<AnnouncedGpu> gpus, EffectiveThresholds thresholds) {
        long worker = batch.workerId();
        Instant at = batch.recordedAt();
        // the agent's frames are validated: a card's total VRAM is at least 1 MB
        double vramPercent = Metric.vramUsedPercent(sample.vramUsedMb(), sample.vramTotalMb());
        threshold(run, thresholds, worker, sample.gpuIndex(), Metric.TEMPERATURE_CELSIUS, sample.temperatureCelsius(), at, NO_NOTE);
        threshold(run, thresholds, worker, sample.gpuIndex(), Metric.VRAM_USED_PERCENT, vramPercent, at,
                () -> holderNote(sample));
        threshold(run, thresholds, worker, sample.gpuIndex(), Metric.UTILIZATION_PERCENT, sample.utilizationPercent(), at, NO_NOTE);
        Integer limit = gpus.stream().filter(gpu -> gpu.gpuIndex() == sample.gpuIndex()).map(AnnouncedGpu::powerLimitWatts)
                .filter(value -> value != null && value > 0).findFirst().orElse(null);
        Double powerPercent = Metric.powerDrawPercent(sample.powerDrawWatts(), limit);
        if (powerPercent != null) {
            threshold(run, thresholds, worker, sample.gpuIndex(), Metric.POWER_DRAW_PERCENT, powerPercent, at, NO_NOTE);
        }
        int full = settings.vramFullPercent();
        var condition = classify(vramPercent, full, full);
        step(run, new AlertKey(worker, sample.gpuIndex(), Alert.VRAM_FULL), condition, vramPercent, full,
                () -> "GPU " + sample.gpuIndex() + " VRAM " + describe(condition, format(vramPercent) + " % used", full, "%")
                        + holderNote(sample), at);
    }

    private static final Supplier<String> NO_NOTE = () -> "";

    /** Who holds the most of a GPU's VRAM, the question behind every VRAM alert; empty when the agent does not say. */
    private static String holderNote(GpuSample sample) {
        String top = sample.processes().topHolder();
        return top == null ? "" : "; top holder: " + top;
    }

    private void threshold(Run run, EffectiveThresholds thresholds, long worker, int gpu, Metric metric, double value, Instant at,
                           Supplier<String> note) {
        var key = new AlertKey(worker, gpu, metric.metricName());
        var levels = thresholds.of(worker, metric).filter(Levels::enabled);
        if (levels.isEmpty()) {
            // Switched off: the condition no longer applies, so an open alert winds down like a recovered one.
            if (run.open.containsKey(key)) {
                step(run, key, Condition.CLEAR, value, null, () -> "GPU " + gpu + " " + metric.metricName() + " alerting disabled", at);
            }
            return;
        }
        var condition = classify(value, levels.get().warning(), levels.get().critical());
        int level = condition == Condition.CRITICAL ? levels.get().critical() : levels.get().warning();
        step(run, key, condition, value, level, () -> "GPU " + gpu + " " + metric.metricName() + " "
                + describe(condition, format(value) + " " + metric.unit(), level, metric.unit()) + note.get(), at);
    }

    /** An announced GPU missing from a batch disappeared; one in lost_gpus was reported lost by the agent. */
    private void evaluatePresence(Run run, MetricsBatch batch, List<AnnouncedGpu> gpus) {
        var present = new HashSet<Integer>();
        batch.samples().forEach(sample -> present.add(sample.gpuIndex()));
        var indexes = new HashSet<>(present);
        indexes.addAll(batch.lostGpus());
        gpus.forEach(gpu -> indexes.add(gpu.gpuIndex()));
        for (int gpu : indexes) {
            var key = new AlertKey(batch.workerId(), gpu, Alert.GPU_MISSING);
            if (present.contains(gpu)) {
                step(run, key, Condition.CLEAR, null, null, () -> "GPU " + gpu + " reports again", batch.recordedAt());
            } else {
                boolean lost = batch.lostGpus().contains(gpu);
                step(run, key, Condition.CRITICAL, null, null, () -> lost ? "GPU " + gpu + " was reported lost by the agent"
                        : "GPU " + gpu + " announced in the agent's hello is missing from its report", batch.recordedAt());
            }
        }
    }

    private Condition classify(double value, int warning, int critical) {
        if (value >= critical) {
            return Condition.CRITICAL;
        }
        if (value >= warning) {
            return Condition.WARNING;
        }
        return value < warning - settings.hysteresis() ? Condition.CLEAR : Condition.HOLD;
    }

    /** message is built only for a decision: evaluation runs for every sample, decisions are rare. */
    private void step(Run run, AlertKey key, Condition condition, Double value, Integer level, Supplier<String> message, Instant at) {
        var open = run.open.get(key);
        if (open == null) {
            if (condition == Condition.CRITICAL || condition == Condition.WARNING) {
                String severity = condition == Condition.CRITICAL ? CRITICAL : WARNING;
                run.decisions.add(new Decision(Decision.Kind.RAISE, key, severity, value, level, message.get(), at, 0));
                run.open.put(key, new OpenAlert(key, null, severity, at, at, 0));
            }
            return;
        }
        switch (condition) {
            case CRITICAL, WARNING -> {
                if (condition == Condition.CRITICAL && WARNING.equals(open.severity())) {
                    run.decisions.add(new Decision(Decision.Kind.ESCALATE, key, CRITICAL, value, level, message.get(), at, 0));
                    run.open.put(key, open.notified(CRITICAL, at));
                } else if (!at.isBefore(open.lastNotifiedAt().plus(settings.cooldown()))) {
                    run.decisions.add(new Decision(Decision.Kind.REPEAT, key, open.severity(), value, level, "still: " + message.get(), at, 0));
                    run.open.put(key, open.notified(open.severity(), at));
                } else {
                    resetRecovery(run, open, value, at);
                }
            }
            case HOLD -> resetRecovery(run, open, value, at);
            case CLEAR -> {
                int samples = open.recoveringSamples() + 1;
                if (samples >= AlertSettings.RESOLVING_SAMPLES) {
                    run.decisions.add(new Decision(Decision.Kind.RESOLVE, key, open.severity(), value, level,
                            "resolved: " + message.get(), at, samples));
                    run.open.remove(key);
                } else {
                    run.decisions.add(new Decision(Decision.Kind.RECOVERING, key, open.severity(), value, level, null, at, samples));
                    run.open.put(key, open.recovering(samples));
                }
            }
        }
    }

    /** A value back at or above the resolving level breaks a streak of recovering samples. */
    private static void resetRecovery(Run run, OpenAlert open, Double value, Instant at) {
        if (open.recoveringSamples() > 0) {
            run.decisions.add(new Decision(Decision.Kind.RECOVERING, open.key(), open.severity(), value, null, null, at, 0));
            run.open.put(open.key(), open.recovering(0));
        }
    }

    private String describe(Condition condition, String value, int level, String unit) {
        return switch (condition) {
            case CRITICAL -> value + " >= critical " + level + " " + unit;
            case WARNING -> value + " >= warning " + level + " " + unit;
            case HOLD, CLEAR -> value + ", below " + (level - settings.hysteresis()) + " " + unit;
        };
    }

    static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
