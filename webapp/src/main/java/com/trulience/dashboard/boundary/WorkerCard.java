package com.trulience.dashboard.boundary;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.Levels;
import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.metrics.entity.Metric;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A worker as its dashboard card shows it. */
public record WorkerCard(long id, String name, String hostname, boolean online, String lastSeen, List<GpuCard> gpus,
                         RestartProgress restart) implements Serializable {

    /** {@code topHolder}: the process with the most VRAM, compactly; null when the agent lists none. */
    public record GpuCard(int index, String name, List<Gauge> gauges, String topHolder) implements Serializable {
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    static WorkerCard of(WorkerNow worker, EffectiveThresholds thresholds, RestartProgress restart) {
        return new WorkerCard(worker.id(), worker.name(), worker.hostname(), worker.online(), time(worker.lastSeenAt()),
                worker.gpus().stream().map(gpu -> gpuCard(worker.id(), gpu, thresholds)).toList(), restart);
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

    static String time(Instant time) {
        return time == null ? "never" : TIME.format(time);
    }

    private static GpuCard gpuCard(long worker, GpuNow gpu, EffectiveThresholds thresholds) {
        var gauges = new ArrayList<Gauge>();
        gauges.add(gauge(Metric.TEMPERATURE_CELSIUS, (double) gpu.temperatureCelsius(),
                100.0 * gpu.temperatureCelsius() / Gauge.TEMPERATURE_SCALE, gpu.temperatureCelsius() + " °C",
                "max " + Gauge.TEMPERATURE_SCALE + " °C", thresholds.of(worker, Metric.TEMPERATURE_CELSIUS), Gauge.TEMPERATURE_SCALE));
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
                topHolder(gpu));
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
