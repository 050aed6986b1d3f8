package com.trulience.agent.collect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The processes of one GPU in a sample: the {@link #MAX_LISTED} largest by VRAM, the rest summed as
 * {@code other}. {@code listed} is null when NVML could not list the GPU's processes (the frame then
 * leaves the key out), empty when none runs.
 */
public record GpuProcesses(List<GpuProcess> listed, int otherCount, Integer otherVramUsedMib) {

    /** The backend's bound for one GPU's list. */
    public static final int MAX_LISTED = 32;
    public static final GpuProcesses NOT_READ = new GpuProcesses(null, 0, null);
    public static final GpuProcesses NONE_RUNNING = new GpuProcesses(List.of(), 0, null);

    /** Largest VRAM first, unknown VRAM last, then by PID, so that the frame is stable. */
    private static final Comparator<GpuProcess> LARGEST_FIRST = Comparator
            .comparing(GpuProcess::vramUsedMib, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparingLong(GpuProcess::pid);

    public GpuProcesses {
        listed = listed == null ? null : List.copyOf(listed);
    }

    /**
     * The first {@code listed} processes (without command lines when {@code commandLines} is false), the others
     * added to {@code other}: what makes a frame fit the backend's size limit.
     */
    GpuProcesses trimmed(int kept, boolean commandLines) {
        if (listed == null) {
            return this;
        }
        var head = new ArrayList<GpuProcess>(Math.min(kept, listed.size()));
        int count = otherCount;
        Integer vram = otherVramUsedMib;
        for (int i = 0; i < listed.size(); i++) {
            GpuProcess process = listed.get(i);
            if (i < kept) {
                head.add(commandLines || process.commandLine() == null ? process : new GpuProcess(process.pid(),
                        process.name(), process.unit(), process.container(), process.user(), process.vramUsedMib(),
                        process.smPercent(), process.memoryPercent(), null));
            } else {
                count++;
                if (process.vramUsedMib() != null) {
                    vram = (vram == null ? 0 : vram) + process.vramUsedMib();
                }
            }
        }
        return new GpuProcesses(head, count, vram);
    }

    public static GpuProcesses of(List<GpuProcess> all) {
        if (all.isEmpty()) {
            return NONE_RUNNING;
        }
        var sorted = new ArrayList<>(all);
        sorted.sort(LARGEST_FIRST);
        if (sorted.size() <= MAX_LISTED) {
            return new GpuProcesses(sorted, 0, null);
        }
        var rest = sorted.subList(MAX_LISTED, sorted.size());
        Integer restVram = null;
        for (GpuProcess process : rest) {
            if (process.vramUsedMib() != null) {
                restVram = (restVram == null ? 0 : restVram) + process.vramUsedMib();
            }
        }
        return new GpuProcesses(sorted.subList(0, MAX_LISTED), rest.size(), restVram);
    }
}
