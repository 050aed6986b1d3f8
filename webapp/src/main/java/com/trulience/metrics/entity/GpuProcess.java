package com.trulience.metrics.entity;

/**
 * One process holding a GPU as its agent reported it, validated. Everything but the PID may be null: the name
 * and the rest when the process exited before the agent looked it up, the VRAM where the driver does not know it
 * (Windows WDDM), the utilization where the GPU gives no per-process samples. {@code commandLine} only comes from
 * an agent with REPORT_PROCESS_COMMAND_LINES on.
 */
public record GpuProcess(long pid, String name, String unit, String container, String user, Integer vramUsedMb,
                         Integer smPercent, Integer memPercent, String commandLine) {

    /** Where it runs, for people: the container when it is in one, else its systemd unit; null when neither is known. */
    public String runsIn() {
        return container != null ? "container " + container.substring(0, Math.min(12, container.length())) : unit;
    }
}
