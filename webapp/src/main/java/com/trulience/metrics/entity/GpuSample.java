package com.trulience.metrics.entity;

/**
 * One GPU's values in a batch, validated. Power and fan are null where the card does not report them; the
 * processes are {@link GpuProcesses#NOT_REPORTED} where the agent did not list them.
 */
public record GpuSample(int gpuIndex, int vramUsedMb, int vramTotalMb, int temperatureCelsius, int utilizationPercent,
                        Integer powerDrawWatts, Integer fanSpeedPercent, GpuProcesses processes) {

    public GpuSample {
        processes = processes == null ? GpuProcesses.NOT_REPORTED : processes;
    }

    /** Without processes: what an agent that does not list them sends. */
    public GpuSample(int gpuIndex, int vramUsedMb, int vramTotalMb, int temperatureCelsius, int utilizationPercent,
                     Integer powerDrawWatts, Integer fanSpeedPercent) {
        this(gpuIndex, vramUsedMb, vramTotalMb, temperatureCelsius, utilizationPercent, powerDrawWatts, fanSpeedPercent,
                GpuProcesses.NOT_REPORTED);
    }
}
