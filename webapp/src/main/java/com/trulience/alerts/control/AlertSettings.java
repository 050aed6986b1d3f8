package com.trulience.alerts.control;

import java.time.Duration;

/**
 * cooldown: no second notification for a condition that stays bad within it; hysteresis: how far (in the metric's
 * units) below the warning level a value must fall to count as recovering; vramFullPercent: the built-in VRAM-full level.
 */
public record AlertSettings(Duration cooldown, int hysteresis, int vramFullPercent) {

    /** Consecutive recovering samples that resolve an alert. */
    public static final int RESOLVING_SAMPLES = 2;

    public AlertSettings {
        if (cooldown.isNegative() || hysteresis < 0 || vramFullPercent < 1 || vramFullPercent > 100) {
            throw new IllegalArgumentException("alert settings out of range: cooldown " + cooldown + ", hysteresis "
                    + hysteresis + ", VRAM full " + vramFullPercent + " %");
        }
    }
}
