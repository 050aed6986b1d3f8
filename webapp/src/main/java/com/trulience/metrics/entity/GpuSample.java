package com.trulience.metrics.entity;

/** One GPU's values in a batch, validated. Power and fan are null where the card does not report them. */
public record GpuSample(int gpuIndex, int vramUsedMb, int vramTotalMb, int temperatureCelsius, int utilizationPercent,
                        Integer powerDrawWatts, Integer fanSpeedPercent) {
}
