package com.trulience.agents.control;

import com.trulience.metrics.entity.GpuProcess;
import com.trulience.metrics.entity.GpuProcesses;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the optional {@code processes} and {@code processes_other} of one GPU entry of {@code gpu_metrics}
 * (README "Protocol additions"). Process names, units and users are whatever anyone on the worker may start a
 * process as: any text is data (markup included, escaped wherever it is shown), but never control or format
 * characters, and bounded.
 */
final class ProcessList {

    /** NVML's PIDs are unsigned int. */
    static final long MAX_PID = 0xFFFF_FFFFL;
    static final int MAX_OTHER = 1_000_000;
    private static final Pattern NAME = Pattern.compile("[^\\p{Cc}\\p{Cf}]{1,64}");
    private static final Pattern UNIT = Pattern.compile("[^\\p{Cc}\\p{Cf}\\s]{1,256}");
    private static final Pattern CONTAINER = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern COMMAND_LINE = Pattern.compile("[^\\p{Cc}\\p{Cf}]{1,1024}");

    private ProcessList() {
    }

    static GpuProcesses read(Frame gpu, int vramTotalMb) {
        Frame other = gpu.optionalObject("processes_other");
        if (!gpu.has("processes")) {
            if (other != null) {
                throw new InvalidFrame(gpu.name("processes_other"), "needs processes");
            }
            return GpuProcesses.NOT_REPORTED;
        }
        var pids = new HashSet<Long>();
        List<GpuProcess> listed = gpu.list("processes", GpuProcesses.MAX_LISTED, false, element -> {
            var process = element.object();
            long pid = process.requiredLong("pid", 0, MAX_PID);
            if (!pids.add(pid)) {
                throw new InvalidFrame(process.name("pid"), "must be unique on the GPU");
            }
            return new GpuProcess(pid,
                    process.optionalString("name", NAME, "1-64 characters without control characters"),
                    process.optionalString("unit", UNIT, "a unit name of 1-256 characters without spaces or control characters"),
                    process.optionalString("container", CONTAINER, "a container id of 1-128 letters, digits, '.', '_', ':' or '-'"),
                    process.optionalString("user", NAME, "1-64 characters without control characters"),
                    process.optionalInt("vram_used_mb", 0, vramTotalMb),
                    process.optionalInt("sm_percent", 0, 100),
                    process.optionalInt("mem_percent", 0, 100),
                    process.optionalString("command_line", COMMAND_LINE, "1-1024 characters without control characters"));
        });
        if (other == null) {
            return new GpuProcesses(listed, 0, null);
        }
        return new GpuProcesses(listed, other.requiredInt("count", 1, MAX_OTHER),
                other.optionalInt("vram_used_mb", 0, vramTotalMb));
    }
}
