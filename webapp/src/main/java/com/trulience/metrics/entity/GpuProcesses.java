package com.trulience.metrics.entity;

import java.util.List;

/**
 * The processes of one GPU in one sample: at most {@link #MAX_LISTED}, largest VRAM first, and the rest summed as
 * {@code other}. {@code listed} is null when the agent did not list them ({@link #NOT_REPORTED}).
 */
public record GpuProcesses(List<GpuProcess> listed, int otherCount, Integer otherVramUsedMb) {

    public static final int MAX_LISTED = 32;
    public static final GpuProcesses NOT_REPORTED = new GpuProcesses(null, 0, null);

    public GpuProcesses {
        listed = listed == null ? null : List.copyOf(listed);
    }

    public boolean reported() {
        return listed != null;
    }

    /** The VRAM of the listed processes and of {@code other}, where known. */
    public long attributedMb() {
        if (listed == null) {
            return 0;
        }
        long sum = otherVramUsedMb == null ? 0 : otherVramUsedMb;
        for (GpuProcess process : listed) {
            sum += process.vramUsedMb() == null ? 0 : process.vramUsedMb();
        }
        return sum;
    }

    /** Of {@code vramUsedMb}, what no listed process nor {@code other} accounts for (driver reservations, other namespaces, leaks). */
    public long unattributedMb(int vramUsedMb) {
        return Math.max(0, vramUsedMb - attributedMb());
    }

    /** The process holding the most VRAM, for an alert's text ("python3 (comfyui.service) 30144 MiB"); null if none is known. */
    public String topHolder() {
        if (listed == null) {
            return null;
        }
        GpuProcess top = null;
        for (GpuProcess process : listed) {
            if (process.vramUsedMb() != null && (top == null || process.vramUsedMb() > top.vramUsedMb())) {
                top = process;
            }
        }
        if (top == null) {
            return null;
        }
        String where = top.runsIn();
        return (top.name() == null ? "PID " + top.pid() + " (exited)" : top.name() + " (PID " + top.pid() + ")")
                + (where == null ? "" : " in " + where) + " holds " + top.vramUsedMb() + " MiB";
    }
}
