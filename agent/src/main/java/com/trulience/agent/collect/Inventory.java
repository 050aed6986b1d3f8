package com.trulience.agent.collect;

import java.util.List;

/** What the backend's {@code hello} needs to know about this machine's GPUs, read once at start. */
public record Inventory(String driverVersion, List<Gpu> gpus) {

    /** While NVML is unavailable. */
    public static final Inventory NONE = new Inventory(null, List.of());

    /** {@code uuid} and {@code powerLimitWatts} are null where NVML did not give them. */
    public record Gpu(int index, String name, String uuid, Integer powerLimitWatts) {
    }

    public Inventory {
        gpus = List.copyOf(gpus);
    }
}
