package com.trulience.agent.collect;

import java.util.List;

/** What the backend's {@code hello} needs to know about this machine's GPUs, read once at start. */
public record Inventory(String driverVersion, List<Gpu> gpus) {

    /** While NVML is unavailable. */
    public static final Inventory NONE = new Inventory(null, List.of());

    /** {@code uuid}, {@code powerLimitWatts} (the enforced limit) and the limits are null where NVML did not give them. */
    public record Gpu(int index, String name, String uuid, Integer powerLimitWatts, Limits limits) {

        public Gpu {
            limits = limits == null ? Limits.NONE : limits;
        }
    }

    /** The card's own limits, which thresholds relative to the card are measured against. */
    public record Limits(Integer slowdownTemperatureCelsius, Integer shutdownTemperatureCelsius, Integer maxSmClockMhz) {

        public static final Limits NONE = new Limits(null, null, null);
    }

    public Inventory {
        gpus = List.copyOf(gpus);
    }
}
