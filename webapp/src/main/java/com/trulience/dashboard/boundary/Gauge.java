package com.trulience.dashboard.boundary;

import com.trulience.alerts.control.Levels;
import java.util.Locale;
import java.util.Optional;

/**
 * One bar of a GPU card: what it reads, how full it is, and its level against the worker's effective thresholds
 * ({@code ok}, {@code warning}, {@code critical}; {@code none} when there is no reading).
 */
public record Gauge(String metric, String label, String value, String detail, double percent, String level,
                    Double warningAt, Double criticalAt, Double markAt, String markTitle) {

    /** Temperatures are drawn on a 0..100 °C scale: cards throttle well below it. */
    static final int TEMPERATURE_SCALE = 100;

    static Gauge of(String metric, String label, Double reading, double percentOfScale, String value, String detail,
                    Optional<Levels> levels, double scale) {
        var enabled = levels.filter(Levels::enabled);
        String level = reading == null ? "none" : enabled.map(l -> l.levelOf(reading)).orElse("ok");
        return new Gauge(metric, label, value, detail, clamp(percentOfScale), level,
                enabled.map(l -> clamp(100.0 * l.warning() / scale)).orElse(null),
                enabled.map(l -> clamp(100.0 * l.critical() / scale)).orElse(null), null, null);
    }

    /** The same gauge with a mark of the card's own limit (e.g. its slowdown temperature) at value on the scale. */
    Gauge withMark(Integer value, double scale, String title) {
        return value == null ? this : new Gauge(metric, label, this.value, detail, percent, level, warningAt, criticalAt,
                clamp(100.0 * value / scale), title);
    }

    public String markPosition() {
        return markAt == null ? null : String.format(Locale.ROOT, "%.1f%%", markAt);
    }

    /** The bar's width for CSS, with a dot whatever the server's locale. */
    public String width() {
        return String.format(Locale.ROOT, "%.1f%%", percent);
    }

    public String warningPosition() {
        return warningAt == null ? null : String.format(Locale.ROOT, "%.1f%%", warningAt);
    }

    public String criticalPosition() {
        return criticalAt == null ? null : String.format(Locale.ROOT, "%.1f%%", criticalAt);
    }

    private static double clamp(double percent) {
        return Math.max(0, Math.min(100, percent));
    }
}
