package com.trulience.dashboard.boundary;

import java.time.Duration;
import java.util.Arrays;

/** The time ranges the worker page charts, as its {@code range} parameter names them. */
public enum ChartRange {

    H1("1h", "1 h", Duration.ofHours(1), Duration.ofMinutes(10)),
    H6("6h", "6 h", Duration.ofHours(6), Duration.ofHours(1)),
    H24("24h", "24 h", Duration.ofHours(24), Duration.ofHours(4)),
    D7("7d", "7 d", Duration.ofDays(7), Duration.ofDays(1));

    private final String param;
    private final String label;
    private final Duration length;
    /** Ticks at whole multiples of this (epoch-aligned, so on the hour or the day in UTC). */
    private final Duration tick;

    ChartRange(String param, String label, Duration length, Duration tick) {
        this.param = param;
        this.label = label;
        this.length = length;
        this.tick = tick;
    }

    public String param() {
        return param;
    }

    public String label() {
        return label;
    }

    Duration length() {
        return length;
    }

    Duration tick() {
        return tick;
    }

    /** The last hour unless the parameter names another range. */
    static ChartRange of(String param) {
        return Arrays.stream(values()).filter(range -> range.param.equals(param)).findFirst().orElse(H1);
    }
}
