package com.trulience.agent.collect;

/**
 * One process that holds a GPU, as NVML and the process table show it. Everything but the PID may
 * be null: {@code vramUsedMib} where NVML does not know it (always under Windows WDDM), the
 * utilization where the GPU gives no per-process samples, the facts where the process exited before
 * they were read. {@code commandLine} is null unless REPORT_PROCESS_COMMAND_LINES is on.
 */
public record GpuProcess(long pid, String name, String unit, String container, String user, Integer vramUsedMib,
        Integer smPercent, Integer memoryPercent, String commandLine) {
}
