package com.trulience.metrics.entity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Why a card lowers its clocks, as the agent names it ({@code throttle_reasons}) and as one bit of the stored
 * bitmask (V12). Thermal and power reasons each open their own alert; {@code hw_slowdown} (NVML's catch-all for
 * an external signal) only shows as a badge.
 */
public enum Throttle {

    SW_POWER_CAP("sw_power_cap", "Power cap", 1),
    HW_SLOWDOWN("hw_slowdown", "HW slowdown", 2),
    SW_THERMAL_SLOWDOWN("sw_thermal_slowdown", "SW thermal", 4),
    HW_THERMAL_SLOWDOWN("hw_thermal_slowdown", "HW thermal", 8),
    HW_POWER_BRAKE_SLOWDOWN("hw_power_brake_slowdown", "Power brake", 16);

    public static final int THERMAL = SW_THERMAL_SLOWDOWN.bit | HW_THERMAL_SLOWDOWN.bit;
    public static final int POWER = SW_POWER_CAP.bit | HW_POWER_BRAKE_SLOWDOWN.bit;

    private final String wireName;
    private final String label;
    private final int bit;

    Throttle(String wireName, String label, int bit) {
        this.wireName = wireName;
        this.label = label;
        this.bit = bit;
    }

    public String wireName() {
        return wireName;
    }

    /** On a GPU row's badge. */
    public String label() {
        return label;
    }

    public int bit() {
        return bit;
    }

    public static Optional<Throttle> named(String wireName) {
        return Arrays.stream(values()).filter(reason -> reason.wireName.equals(wireName)).findFirst();
    }

    public static int mask(List<Throttle> reasons) {
        return reasons.stream().mapToInt(Throttle::bit).reduce(0, (a, b) -> a | b);
    }

    /** The reasons of a stored bitmask; empty for null (not reported) and for 0. */
    public static List<Throttle> of(Number mask) {
        var reasons = new ArrayList<Throttle>();
        if (mask != null) {
            for (var reason : values()) {
                if ((mask.intValue() & reason.bit) != 0) {
                    reasons.add(reason);
                }
            }
        }
        return reasons;
    }

    public static List<String> wireNames(Number mask) {
        return of(mask).stream().map(Throttle::wireName).toList();
    }
}
