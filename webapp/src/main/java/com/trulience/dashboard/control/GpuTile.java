package com.trulience.dashboard.control;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.Levels;
import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.entity.Metric;
import com.trulience.metrics.entity.Throttle;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One GPU as the fleet page draws it: its worst level (the gauges' levels against the thresholds in force, the health
 * badges, and the red banner of a lost GPU or hardware Xid) and the reading or trouble that made it so.
 * {@code sampledAtMillis} is the sample's time, sent with a tile that changed and not itself a change.
 */
public record GpuTile(int index, String name, Level level, String worst, int temperatureCelsius, double vramUsedPercent,
                      int utilizationPercent, Double powerDrawPercent, long sampledAtMillis) {

    /** A tile's colour and shape; ranked so that the worst sorts first. */
    public enum Level {
        OK("ok"), WARNING("warning"), CRITICAL("critical");

        private final String word;

        Level(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        static Level of(String word) {
            return "critical".equals(word) ? CRITICAL : "warning".equals(word) ? WARNING : OK;
        }
    }

    static GpuTile of(long workerId, GpuNow gpu, EffectiveThresholds thresholds, String banner) {
        var worst = new Worst();
        worst.consider(Metric.TEMPERATURE_CELSIUS, (double) gpu.temperatureCelsius(), gpu.temperatureCelsius() + " °C", workerId, thresholds);
        worst.consider(Metric.VRAM_USED_PERCENT, gpu.vramUsedPercent(), tenth(gpu.vramUsedPercent()) + " %", workerId, thresholds);
        worst.consider(Metric.UTILIZATION_PERCENT, (double) gpu.utilizationPercent(), gpu.utilizationPercent() + " %", workerId, thresholds);
        Double power = gpu.powerDrawPercent();
        worst.consider(Metric.POWER_DRAW_PERCENT, power, power == null ? null : tenth(power) + " %", workerId, thresholds);
        var health = gpu.health();
        Throttle.of(health.throttleReasons()).forEach(reason -> worst.trouble(Level.WARNING, "Throttled: " + reason.label()));
        if (Boolean.TRUE.equals(health.remappedRowsPending())) {
            worst.trouble(Level.WARNING, "Row remap pending: reset");
        }
        if (health.eccUncorrectedVolatile() != null && health.eccUncorrectedVolatile() > 0) {
            worst.trouble(Level.CRITICAL, "ECC errors: " + health.eccUncorrectedVolatile());
        }
        if (Boolean.TRUE.equals(health.remappedRowsFailure())) {
            worst.trouble(Level.CRITICAL, "Row remap failed");
        }
        if (banner != null) {
            worst.trouble(Level.CRITICAL, banner);
        }
        return new GpuTile(gpu.gpuIndex(), gpu.name() == null ? "GPU " + gpu.gpuIndex() : gpu.name(), worst.level, worst.text,
                gpu.temperatureCelsius(), gpu.vramUsedPercent(), gpu.utilizationPercent(), power,
                gpu.recordedAt() == null ? 0 : gpu.recordedAt().toEpochMilli());
    }

    /** Whether the page would draw both alike: everything but the sample's time. */
    boolean looksLike(GpuTile other) {
        return other != null && index == other.index && name.equals(other.name) && level == other.level && worst.equals(other.worst)
                && temperatureCelsius == other.temperatureCelsius && vramUsedPercent == other.vramUsedPercent
                && utilizationPercent == other.utilizationPercent && Objects.equals(powerDrawPercent, other.powerDrawPercent);
    }

    /**
     * The worst reading wins; among equal levels the one closest to (or furthest past) its critical level. A health
     * trouble wins over a reading of its own level: it says more than "Temperature 91 °C".
     */
    private static final class Worst {
        Level level = Level.OK;
        String text = "";
        double closeness = -1;
        boolean trouble;

        void consider(Metric metric, Double reading, String shown, long workerId, EffectiveThresholds thresholds) {
            if (reading == null) {
                return;
            }
            Optional<Levels> enabled = thresholds.of(workerId, metric).filter(Levels::enabled);
            var found = enabled.map(levels -> Level.of(levels.levelOf(reading))).orElse(Level.OK);
            double towards = reading / enabled.map(levels -> Math.max(1, levels.critical())).orElse(100);
            if (found.compareTo(level) > 0 || found == level && towards > closeness) {
                level = found;
                closeness = towards;
                text = metric.shortLabel() + " " + shown;
            }
        }

        void trouble(Level found, String what) {
            if (found.compareTo(level) > 0 || found == level && !trouble) {
                level = found;
                text = what;
                trouble = true;
            }
        }
    }

    private static String tenth(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
