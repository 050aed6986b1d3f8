package com.trulience.alerts.control;

/** A GPU that the worker's agent announced in its hello; the power limit and slowdown temperature are null where the card reports none. */
public record AnnouncedGpu(int gpuIndex, Integer powerLimitWatts, Integer slowdownTemperatureCelsius) {

    public AnnouncedGpu(int gpuIndex, Integer powerLimitWatts) {
        this(gpuIndex, powerLimitWatts, null);
    }
}
