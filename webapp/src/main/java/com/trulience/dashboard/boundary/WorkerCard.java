package com.trulience.dashboard.boundary;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.GpuKey;
import com.trulience.alerts.control.Levels;
import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.metrics.entity.ComfyUiNow;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.metrics.entity.Metric;
import com.trulience.metrics.entity.Throttle;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A worker as its dashboard card shows it. comfyUi: "ComfyUI 0.3.40 idle", "... running job (2 pending)" or "ComfyUI
 * unreachable", null when its agent does not watch ComfyUI; idleVramHeld: an idle_vram_held alert is open, so the
 * card offers "Free VRAM".
 */
public record WorkerCard(long id, String name, String hostname, boolean online, String lastSeen, String clockOff,
                         List<GpuCard> gpus, RestartProgress restart, String comfyUi, boolean idleVramHeld) implements Serializable {

    /**
     * banner: the open critical alert of a lost GPU or a hardware Xid (its meaning and action), null when none;
     * badges: throttling by reason, ECC and row-remap trouble the latest sample reports; topHolder: the process with
     * the most VRAM, compactly, null when the agent lists none.
     */
    public record GpuCard(int index, String name, List<Gauge> gauges, List<Badge> badges, String banner, String topHolder)
            implements Serializable {
    }

    /** level: warning or critical, for its colour. */
    public record Badge(String text, String level) implements Serializable {
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    static WorkerCard of(WorkerNow worker, EffectiveThresholds thresholds, RestartProgress restart, Map<GpuKey, String> banners,
                         ComfyUiNow comfyUi, boolean idleVramHeld) {
        return new WorkerCard(worker.id(), worker.name(), worker.hostname(), worker.online(), time(worker.lastSeenAt()),
                clockOff(worker.clockOffsetMs()), worker.gpus().stream().map(gpu -> gpuCard(worker.id(), gpu, thresholds,
                        banners.get(new GpuKey(worker.id(), gpu.gpuIndex())))).toList(), restart,
                comfyUi == null ? null : comfyUi.describe(), idleVramHeld);
    }

    /** No restart for an offline worker (its agent would never hear of it) nor while one is in flight. */
    public boolean restartBlocked() {
        return blocksRestart(online, restart);
    }

    static boolean blocksRestart(boolean online, RestartProgress restart) {
        return !online || restart != null && restart.inFlight();
    }

    public String status() {
        return online ? "online" : "offline";
    }

    /** "clock off by 600 s" for an agent whose clock runs fast beyond the tolerance; null otherwise. */
    static String clockOff(Long clockOffsetMs) {
        return clockOffsetMs == null ? null : "clock off by " + Math.round(clockOffsetMs / 1000.0) + " s";
    }

    static String time(Instant time) {
        return time == null ? "never" : TIME.format(time);
    }

    private static GpuCard gpuCard(long worker, GpuNow gpu, EffectiveThresholds thresholds, String banner) {
        var gauges = new ArrayList<Gauge>();
        Integer slowdown = gpu.limits().slowdownTemperatureCelsius();
        gauges.add(gauge(Metric.TEMPERATURE_CELSIUS, (double) gpu.temperatureCelsius(),
                100.0 * gpu.temperatureCelsius() / Gauge.TEMPERATURE_SCALE, gpu.temperatureCelsius() + " °C",
                slowdown == null ? "max " + Gauge.TEMPERATURE_SCALE + " °C" : "slowdown " + slowdown + " °C",
                thresholds.of(worker, Metric.TEMPERATURE_CELSIUS), Gauge.TEMPERATURE_SCALE)
                .withMark(slowdown, Gauge.TEMPERATURE_SCALE, "the card slows down at " + slowdown + " °C"));
        gauges.add(gauge(Metric.VRAM_USED_PERCENT, gpu.vramUsedPercent(), gpu.vramUsedPercent(),
                percent(gpu.vramUsedPercent()), gigabytes(gpu.vramUsedMb()) + " / " + gigabytes(gpu.vramTotalMb()) + " GB",
                thresholds.of(worker, Metric.VRAM_USED_PERCENT), 100));
        gauges.add(gauge(Metric.UTILIZATION_PERCENT, (double) gpu.utilizationPercent(), gpu.utilizationPercent(),
                gpu.utilizationPercent() + " %", "max 100 %", thresholds.of(worker, Metric.UTILIZATION_PERCENT), 100));
        Double power = gpu.powerDrawPercent();
        gauges.add(gauge(Metric.POWER_DRAW_PERCENT, power, power == null ? 0 : power, power == null ? "n/a" : percent(power),
                (gpu.powerDrawWatts() == null ? "–" : gpu.powerDrawWatts()) + " / "
                        + (gpu.powerLimitWatts() == null ? "–" : gpu.powerLimitWatts()) + " W",
                thresholds.of(worker, Metric.POWER_DRAW_PERCENT), 100));
        return new GpuCard(gpu.gpuIndex(), gpu.name() == null ? "GPU " + gpu.gpuIndex() : gpu.name(), List.copyOf(gauges),
                badges(gpu.health()), banner, topHolder(gpu));
    }

    static List<Badge> badges(GpuHealth health) {
        var badges = new ArrayList<Badge>();
        Throttle.of(health.throttleReasons()).forEach(reason -> badges.add(new Badge("Throttled: " + reason.label(), "warning")));
        if (health.eccUncorrectedVolatile() != null && health.eccUncorrectedVolatile() > 0) {
            badges.add(new Badge("ECC errors: " + health.eccUncorrectedVolatile(), "critical"));
        }
        if (Boolean.TRUE.equals(health.remappedRowsFailure())) {
            badges.add(new Badge("Row remap failed", "critical"));
        }
        if (Boolean.TRUE.equals(health.remappedRowsPending())) {
            badges.add(new Badge("Row remap pending: reset", "warning"));
        }
        return List.copyOf(badges);
    }

    private static String topHolder(GpuNow gpu) {
        var processes = gpu.processes();
        if (!processes.reported()) {
            return null;
        }
        return processes.listed().stream().filter(process -> process.vramUsedMb() != null)
                .max(java.util.Comparator.comparing(com.trulience.metrics.entity.GpuProcess::vramUsedMb))
                .map(top -> (top.name() == null ? "PID " + top.pid() : top.name())
                        + (top.runsIn() == null ? "" : " · " + top.runsIn()) + " " + gigabytes(top.vramUsedMb()) + " GB")
                .orElse(null);
    }

    private static Gauge gauge(Metric metric, Double reading, double percentOfScale, String value, String detail,
                               Optional<Levels> levels, double scale) {
        return Gauge.of(metric.metricName(), metric.shortLabel(), reading, percentOfScale, value, detail, levels, scale);
    }

    private static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f %%", value);
    }

    private static String gigabytes(int megabytes) {
        return String.format(Locale.ROOT, "%.1f", megabytes / 1024.0);
    }
}
