package com.trulience.metrics.entity;

import com.trulience.platform.control.Refused;
import java.util.Arrays;
import java.util.Optional;

/**
 * The GPU metrics that thresholds, gauges and charts are about: each one's name on the wire and in the database, the
 * words people read for it, its unit, the range a threshold of it must lie in and which way is worse. Three of them are
 * not measured but derived from a sample ({@link #vramUsedPercent}, {@link #powerDrawPercent},
 * {@link #temperatureMarginCelsius}); this is the one place they are computed.
 */
public enum Metric {

    TEMPERATURE_CELSIUS("temperature_celsius", "Temperature", "Temperature", "Temperature", "°C", 1, 150),
    VRAM_USED_PERCENT("vram_used_percent", "VRAM used", "VRAM", "VRAM used", "%", 1, 100),
    UTILIZATION_PERCENT("utilization_percent", "Utilization", "Utilization", "Utilization", "%", 1, 100),
    // A card may briefly draw more than its limit, so levels above 100 % are meaningful.
    POWER_DRAW_PERCENT("power_draw_percent", "Power draw", "Power", "Power draw (of limit)", "%", 1, 150),
    // The only metric where lower is worse: it alerts when the margin falls to or below its levels.
    TEMPERATURE_MARGIN_CELSIUS("temperature_margin_celsius", "Temperature margin to slowdown", "Margin",
            "Margin to slowdown temperature", "°C", 0, 100, Direction.LOWER_IS_WORSE);

    /** Which way a value gets worse: a threshold's warning lies before its critical level in that direction. */
    public enum Direction { HIGHER_IS_WORSE, LOWER_IS_WORSE }

    private final String metricName;
    private final String label;
    private final String shortLabel;
    private final String chartTitle;
    private final String unit;
    private final int min;
    private final int max;
    private final Direction direction;

    Metric(String metricName, String label, String shortLabel, String chartTitle, String unit, int min, int max) {
        this(metricName, label, shortLabel, chartTitle, unit, min, max, Direction.HIGHER_IS_WORSE);
    }

    Metric(String metricName, String label, String shortLabel, String chartTitle, String unit, int min, int max, Direction direction) {
        this.direction = direction;
        this.metricName = metricName;
        this.label = label;
        this.shortLabel = shortLabel;
        this.chartTitle = chartTitle;
        this.unit = unit;
        this.min = min;
        this.max = max;
    }

    public String metricName() {
        return metricName;
    }

    /** In tables and alert lists. */
    public String label() {
        return label;
    }

    /** On a GPU card's gauge, where there is little room. */
    public String shortLabel() {
        return shortLabel;
    }

    /** Above a history chart, saying what the percentage is of. */
    public String chartTitle() {
        return chartTitle;
    }

    public String unit() {
        return unit;
    }

    public Direction direction() {
        return direction;
    }

    public boolean lowerIsWorse() {
        return direction == Direction.LOWER_IS_WORSE;
    }

    /** Whether the value has reached the level, in the metric's direction (at or above, or at or below). */
    public boolean reached(double value, int level) {
        return lowerIsWorse() ? value <= level : value >= level;
    }

    /** How far the value is from the level towards the good side: positive once it has moved away from it. */
    public double awayFrom(double value, int level) {
        return lowerIsWorse() ? value - level : level - value;
    }

    /** The comparison in words, for alert messages: "&gt;=" or "&lt;=". */
    public String reachedSign() {
        return lowerIsWorse() ? "<=" : ">=";
    }

    public static Optional<Metric> named(String name) {
        return Arrays.stream(values()).filter(metric -> metric.metricName.equals(name)).findFirst();
    }

    /** The metric's label; a name that is no metric's stays as it is. */
    public static String labelOf(String metricName) {
        return named(metricName).map(Metric::label).orElse(metricName);
    }

    /** Refuses levels that make no sense, with a message fit for the admin. */
    public void checkLevels(int warning, int critical) {
        if (warning < min || warning > max || critical < min || critical > max) {
            throw new Refused(Refused.Reason.INVALID, metricName + ": warning_value and critical_value must be within " + min + ".." + max);
        }
        if (lowerIsWorse() && warning <= critical) {
            throw new Refused(Refused.Reason.INVALID, metricName + ": warning_value must be above critical_value (lower is worse)");
        }
        if (!lowerIsWorse() && warning >= critical) {
            throw new Refused(Refused.Reason.INVALID, metricName + ": warning_value must be below critical_value");
        }
    }

    /** The card's slowdown temperature minus its temperature; null for a card that reports no slowdown temperature. */
    public static Double temperatureMarginCelsius(Number slowdownCelsius, Number temperatureCelsius) {
        return slowdownCelsius == null || temperatureCelsius == null ? null
                : slowdownCelsius.doubleValue() - temperatureCelsius.doubleValue();
    }

    /** VRAM used as a percentage of the card's total, unrounded; null when either is unknown or the total is 0. */
    public static Double vramUsedPercent(Number usedMb, Number totalMb) {
        return percent(usedMb, totalMb);
    }

    /** Power draw as a percentage of the card's limit, unrounded; null when the card reports no draw or no limit. */
    public static Double powerDrawPercent(Number drawWatts, Number limitWatts) {
        return percent(drawWatts, limitWatts);
    }

    private static Double percent(Number part, Number whole) {
        return part == null || whole == null || whole.doubleValue() == 0 ? null : 100.0 * part.doubleValue() / whole.doubleValue();
    }
}
