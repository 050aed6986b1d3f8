package com.trulience.agent.collect;

import java.util.ArrayList;
import java.util.List;

/**
 * The health readings of one GPU in one sample; each is null where the GPU or driver does not
 * give it (NOT_SUPPORTED, NO_PERMISSION, no such call). {@code throttleReasons} is empty, not
 * null, when the clocks are not held back.
 */
public record GpuHealth(
        Integer smClockMhz,
        Integer memoryTemperatureCelsius,
        List<String> throttleReasons,
        Long eccUncorrectedVolatile,
        Boolean remappedRowsPending,
        Boolean remappedRowsFailure,
        Long pcieReplayCount) {

    /** Nothing known: a lost GPU, or a reading built without health. */
    public static final GpuHealth NONE = new GpuHealth(null, null, null, null, null, null, null);

    /**
     * nvmlClocksEventReason* bits that mean the card holds its clocks back, with their names. Left
     * out on purpose: GpuIdle (0x1, nothing to do), ApplicationsClocksSetting (0x2) and SyncBoost
     * (0x10), which an operator chose.
     */
    private static final long[] BITS = {0x4L, 0x8L, 0x20L, 0x40L, 0x80L};
    private static final String[] NAMES = {"sw_power_cap", "hw_slowdown", "sw_thermal_slowdown",
            "hw_thermal_slowdown", "hw_power_brake_slowdown"};
    private static final List<String> NOT_THROTTLED = List.of();

    public GpuHealth {
        throttleReasons = throttleReasons == null ? null : List.copyOf(throttleReasons);
    }

    /** The names of the throttling bits set in {@code reasons}, in bit order. */
    public static List<String> throttleReasons(long reasons) {
        if ((reasons & 0xECL) == 0) {
            return NOT_THROTTLED;
        }
        var names = new ArrayList<String>(2);
        for (int i = 0; i < BITS.length; i++) {
            if ((reasons & BITS[i]) != 0) {
                names.add(NAMES[i]);
            }
        }
        return List.copyOf(names);
    }
}
