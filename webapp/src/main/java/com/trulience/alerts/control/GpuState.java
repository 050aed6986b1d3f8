package com.trulience.alerts.control;

import java.time.Instant;

/**
 * What evaluation keeps per GPU between samples (V12 {@code gpu_alert_state}): the newest sample applied, null before
 * the first, and the consecutive throttled samples so far.
 */
public record GpuState(Instant evaluatedUntil, int thermalThrottleSamples, int powerThrottleSamples) {

    public static final GpuState NEW = new GpuState(null, 0, 0);

    /** A sample at or before the newest one applied came late (an out-of-order group or a replay): it changes nothing. */
    boolean isLate(Instant at) {
        return evaluatedUntil != null && !at.isAfter(evaluatedUntil);
    }

    GpuState evaluated(Instant at) {
        return new GpuState(at, thermalThrottleSamples, powerThrottleSamples);
    }
}
