package com.trulience.alerts.control;

import java.time.Duration;

/**
 * cooldown: no second notification for a condition that stays bad within it; hysteresis: how far (in the metric's
 * units) below the warning level a value must fall to count as recovering; vramFullPercent: the built-in VRAM-full level;
 * xidQuiet: how long a GPU must report samples without the Xid recurring before its Xid alert resolves.
 */
public record AlertSettings(Duration cooldown, int hysteresis, int vramFullPercent, Duration xidQuiet) {

    /** Consecutive recovering samples that resolve an alert. */
    public static final int RESOLVING_SAMPLES = 2;
    /** Consecutive throttled samples that open a throttle alert: a moment of capping is normal. */
    public static final int THROTTLED_SAMPLES = 3;
    public static final Duration DEFAULT_XID_QUIET = Duration.ofMinutes(30);

    public AlertSettings {
        if (cooldown.isNegative() || hysteresis < 0 || vramFullPercent < 1 || vramFullPercent > 100 || xidQuiet.isNegative()) {
            throw new IllegalArgumentException("alert settings out of range: cooldown " + cooldown + ", hysteresis "
                    + hysteresis + ", VRAM full " + vramFullPercent + " %, Xid quiet " + xidQuiet);
        }
    }

    public AlertSettings(Duration cooldown, int hysteresis, int vramFullPercent) {
        this(cooldown, hysteresis, vramFullPercent, DEFAULT_XID_QUIET);
    }
}
