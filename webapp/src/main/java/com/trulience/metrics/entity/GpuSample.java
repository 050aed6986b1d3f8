package com.trulience.metrics.entity;

/** One GPU's values in a batch, validated. Power and fan are null where the card does not report them. */
public record GpuSample(int gpuIndex, int vramUsedMb, int vramTotalMb, int temperatureCelsius, int utilizationPercent,
                        Integer powerDrawWatts, Integer fanSpeedPercent, GpuHealth health) {

    public GpuSample {
        health = health == null ? GpuHealth.NONE : health;
    }

    /** A sample of a card (or an agent) that reports none of the health fields. */
    public GpuSample(int gpuIndex, int vramUsedMb, int vramTotalMb, int temperatureCelsius, int utilizationPercent,
                     Integer powerDrawWatts, Integer fanSpeedPercent) {
        this(gpuIndex, vramUsedMb, vramTotalMb, temperatureCelsius, utilizationPercent, powerDrawWatts, fanSpeedPercent, GpuHealth.NONE);
    }
}
