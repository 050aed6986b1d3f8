package com.trulience.alerts.control;

import com.trulience.alerts.control.Lifecycle.Condition;
import com.trulience.alerts.entity.Alert;
import com.trulience.metrics.entity.ComfyUiNow;
import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.Metric;
import com.trulience.metrics.entity.MetricsBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The ComfyUI alerts, pure like {@link AlertRules}, judged on the worker's stored ComfyUI state whose idle time and
 * unreachable streak the backend counted at receipt (never the agent's clock), so {@code at} is the receive time:
 * <ul>
 * <li>{@code comfyui_unreachable} (worker, warning) while comfyui is among the worker's announced services and
 * ComfyUI did not answer {@link #UNREACHABLE_SAMPLES} samples in a row; resolved at the first answer.</li>
 * <li>{@code idle_vram_held} (GPU, warning) when ComfyUI has had no running or pending job for the idle period and
 * the GPU's used VRAM is above the level; resolved at once when a job starts or VRAM falls to the level. While
 * ComfyUI does not answer nothing is known of its jobs: an open alert stays as it is.</li>
 * </ul>
 */
final class ComfyUiRules {

    static final String SERVICE = "comfyui";
    static final int UNREACHABLE_SAMPLES = 3;

    private final Duration idlePeriod;
    private final int vramPercent;
    private final Duration cooldown;

    ComfyUiRules(Duration idlePeriod, int vramPercent, Duration cooldown) {
        if (idlePeriod.isNegative() || vramPercent < 0 || vramPercent > 100) {
            throw new IllegalArgumentException("LEAK_IDLE_MINUTES must be >= 0 and LEAK_VRAM_PERCENT 0..100, not "
                    + idlePeriod + " and " + vramPercent);
        }
        this.idlePeriod = idlePeriod;
        this.vramPercent = vramPercent;
        this.cooldown = cooldown;
    }

    /**
     * @param batches  the stored batches under evaluation; only workers whose batches carried a comfyui object are judged,
     *                 on their newest batch's GPU samples
     * @param comfy    those workers' stored ComfyUI state
     * @param services the services each of those workers announced
     * @param open     the open alerts after the other rules
     */
    List<Decision> evaluate(List<MetricsBatch> batches, Map<Long, ComfyUiNow> comfy, Map<Long, List<String>> services,
                            Map<AlertKey, OpenAlert> open) {
        var run = new Lifecycle(open, cooldown);
        Map<Long, MetricsBatch> newest = batches.stream().filter(batch -> batch.comfyui() != null)
                .collect(Collectors.toMap(MetricsBatch::workerId, Function.identity(),
                        (a, b) -> a.recordedAt().isAfter(b.recordedAt()) ? a : b));
        for (var batch : newest.values()) {
            var state = comfy.get(batch.workerId());
            if (state != null) {
                evaluate(run, batch, state, Set.copyOf(services.getOrDefault(batch.workerId(), List.of())).contains(SERVICE));
            }
        }
        return List.copyOf(run.decisions);
    }

    private void evaluate(Lifecycle run, MetricsBatch batch, ComfyUiNow state, boolean announced) {
        long worker = batch.workerId();
        Instant at = state.receivedAt();
        var unreachable = new AlertKey(worker, null, Alert.COMFYUI_UNREACHABLE);
        if (!announced) {
            run.resolve(unreachable, "comfyui is no longer among the services worker " + worker + " announced", at);
        } else if (state.reachable()) {
            run.resolve(unreachable, "ComfyUI answers again" + (state.version() == null ? "" : " (" + state.version() + ")"), at);
        } else if (state.unreachableSamples() >= UNREACHABLE_SAMPLES) {
            int samples = state.unreachableSamples();
            run.step(unreachable, Condition.WARNING, (double) samples, UNREACHABLE_SAMPLES,
                    () -> "ComfyUI did not answer the agent for " + samples + " samples in a row", at);
        }
        if (!state.reachable()) {
            return;
        }
        for (var sample : batch.samples().stream().sorted(Comparator.comparingInt(GpuSample::gpuIndex)).toList()) {
            idleVram(run, worker, sample, state, at);
        }
    }

    private void idleVram(Lifecycle run, long worker, GpuSample sample, ComfyUiNow state, Instant at) {
        var key = new AlertKey(worker, sample.gpuIndex(), Alert.IDLE_VRAM_HELD);
        double percent = Metric.vramUsedPercent(sample.vramUsedMb(), sample.vramTotalMb());
        Duration idle = state.idleSince() == null ? null : Duration.between(state.idleSince(), at);
        boolean held = percent > vramPercent;
        if (idle != null && held && idle.compareTo(idlePeriod) >= 0) {
            String top = sample.processes().topHolder();
            run.step(key, Condition.WARNING, percent, vramPercent, () -> "GPU " + sample.gpuIndex() + " holds "
                    + sample.vramUsedMb() + " of " + sample.vramTotalMb() + " MiB (" + AlertRules.format(percent)
                    + " %, above " + vramPercent + " %) while ComfyUI has had no job for " + minutes(idle)
                    + (top == null ? "" : "; top holder: " + top), at);
        } else if (idle == null) {
            run.resolve(key, "GPU " + sample.gpuIndex() + ": ComfyUI has a job again", at);
        } else if (!held) {
            run.resolve(key, "GPU " + sample.gpuIndex() + " VRAM fell to " + AlertRules.format(percent) + " %", at);
        }
    }

    private static String minutes(Duration idle) {
        long seconds = idle.toSeconds();
        return seconds < 120 ? seconds + " s" : seconds / 60 + " min";
    }
}
