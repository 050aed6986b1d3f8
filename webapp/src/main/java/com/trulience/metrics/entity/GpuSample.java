package com.trulience.metrics.entity;

/**
 * One GPU's values in a batch, validated. Power and fan are null where the card does not report them; the health
 * fields are {@link GpuHealth#NONE} and the processes {@link GpuProcesses#NOT_REPORTED} where the agent did not send
 * them.
 */
public record GpuSample(int gpuIndex, int vramUsedMb, int vramTotalMb, int temperatureCelsius, int utilizationPercent,
                        Integer powerDrawWatts, Integer fanSpeedPercent, GpuHealth health, GpuProcesses processes) {

    public GpuSample {
        health = health == null ? GpuHealth.NONE : health;
        processes = processes == null ? GpuProcesses.NOT_REPORTED : processes;
    }

    /** A sample of a card (or an agent) that reports none of the health fields and lists no processes. */
    public GpuSample(int gpuIndex, int vramUsedMb, int vramTotalMb, int temperatureCelsius, int utilizationPercent,
                     Integer powerDrawWatts, Integer fanSpeedPercent) {
        this(gpuIndex, vramUsedMb, vramTotalMb, temperatureCelsius, utilizationPercent, powerDrawWatts, fanSpeedPercent,
                GpuHealth.NONE, GpuProcesses.NOT_REPORTED);
    }
}
