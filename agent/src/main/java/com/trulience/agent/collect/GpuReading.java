package com.trulience.agent.collect;

/**
 * One GPU in one sample. Optional metrics the GPU or driver cannot give are null. A lost GPU
 * (a required read failed) carries only its identity.
 */
public record GpuReading(
        int index,
        String name,
        String uuid,
        boolean lost,
        int vramUsedMib,
        int vramTotalMib,
        int temperatureCelsius,
        int utilizationPercent,
        Integer powerDrawWatts,
        Integer powerLimitWatts,
        Integer fanSpeedPercent,
        GpuHealth health,
        GpuProcesses processes) {

    public GpuReading {
        health = health == null ? GpuHealth.NONE : health;
        processes = processes == null ? GpuProcesses.NOT_READ : processes;
    }

    /** Without process information: a reading whose GPU NVML could not list the processes of. */
    public GpuReading(int index, String name, String uuid, boolean lost, int vramUsedMib, int vramTotalMib,
            int temperatureCelsius, int utilizationPercent, Integer powerDrawWatts, Integer powerLimitWatts,
            Integer fanSpeedPercent, GpuHealth health) {
        this(index, name, uuid, lost, vramUsedMib, vramTotalMib, temperatureCelsius, utilizationPercent, powerDrawWatts,
                powerLimitWatts, fanSpeedPercent, health, GpuProcesses.NOT_READ);
    }

    GpuReading withProcesses(GpuProcesses replaced) {
        return new GpuReading(index, name, uuid, lost, vramUsedMib, vramTotalMib, temperatureCelsius, utilizationPercent,
                powerDrawWatts, powerLimitWatts, fanSpeedPercent, health, replaced);
    }

    static GpuReading lost(int index, String name, String uuid) {
        return new GpuReading(index, name, uuid, true, 0, 0, 0, 0, null, null, null, GpuHealth.NONE);
    }
}
