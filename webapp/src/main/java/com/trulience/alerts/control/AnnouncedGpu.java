package com.trulience.alerts.control;

/** A GPU that the worker's agent announced in its hello; the power limit is null where the card reports none. */
public record AnnouncedGpu(int gpuIndex, Integer powerLimitWatts) {
}
