package com.trulience.metrics.entity;

/**
 * The health fields of one GPU's sample beyond the required four; each null where the card does not report it.
 * {@code throttleReasons} is the {@link Throttle} bitmask (0: not throttled).
 */
public record GpuHealth(Integer smClockMhz, Integer memoryTemperatureCelsius, Integer throttleReasons,
                        Long eccUncorrectedVolatile, Boolean remappedRowsPending, Boolean remappedRowsFailure,
                        Long pcieReplayCount) {

    public static final GpuHealth NONE = new GpuHealth(null, null, null, null, null, null, null);

    public boolean throttled(int reasons) {
        return throttleReasons != null && (throttleReasons & reasons) != 0;
    }
}
