package com.trulience.dashboard.boundary;

import com.trulience.metrics.control.Processes;
import com.trulience.metrics.entity.GpuProcess;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * One GPU's "who holds the VRAM" list on the worker page: each process with where it runs, its VRAM in MiB and
 * percent of the card and its SM %, the worker's allow-listed services (ComfyUI) marked, and the VRAM no process
 * accounts for (driver reservations, other namespaces, leaks) when it is large enough to matter.
 */
public record VramHolders(int gpuIndex, boolean reported, List<Row> rows, String other, String unattributed)
        implements Serializable {

    /** Unattributed VRAM is shown from this share of the card... */
    static final double UNATTRIBUTED_SHOWN_FROM_PERCENT = 5;
    /** ...and at least this much: small cards reserve a few hundred MiB for the driver. */
    static final long UNATTRIBUTED_SHOWN_FROM_MB = 512;

    public record Row(long pid, String name, String runsIn, String vramMb, String vramPercent, String smPercent,
                      boolean allowListed) implements Serializable {
    }

    static VramHolders of(Processes.GpuHolders gpu, List<String> services) {
        var processes = gpu.processes();
        if (!processes.reported()) {
            return new VramHolders(gpu.gpuIndex(), false, List.of(), null, null);
        }
        var rows = processes.listed().stream().map(process -> row(process, gpu.vramTotalMb(), services)).toList();
        String other = processes.otherCount() == 0 ? null : processes.otherCount() + " more process"
                + (processes.otherCount() == 1 ? "" : "es") + (processes.otherVramUsedMb() == null ? ""
                : ": " + processes.otherVramUsedMb() + " MiB");
        long unattributed = gpu.unattributedMb();
        boolean large = unattributed >= UNATTRIBUTED_SHOWN_FROM_MB
                && 100.0 * unattributed / gpu.vramTotalMb() >= UNATTRIBUTED_SHOWN_FROM_PERCENT;
        return new VramHolders(gpu.gpuIndex(), true, rows, other,
                large ? unattributed + " MiB (" + percent(unattributed, gpu.vramTotalMb()) + ")" : null);
    }

    private static Row row(GpuProcess process, int totalMb, List<String> services) {
        Integer vram = process.vramUsedMb();
        return new Row(process.pid(), process.name() == null ? "(exited)" : process.name(),
                process.runsIn() == null ? "–" : process.runsIn(), vram == null ? "n/a" : Integer.toString(vram),
                vram == null ? "–" : percent(vram, totalMb), process.smPercent() == null ? "–" : process.smPercent() + " %",
                allowListed(process.unit(), services));
    }

    /** A unit of an announced service: {@code comfyui.service}, or an instance {@code comfyui@1.service}, for service comfyui. */
    static boolean allowListed(String unit, List<String> services) {
        if (unit == null) {
            return false;
        }
        for (String service : services) {
            String base = service.endsWith(".service") ? service.substring(0, service.length() - ".service".length()) : service;
            if (unit.equals(base + ".service") || unit.startsWith(base + "@") && unit.endsWith(".service")) {
                return true;
            }
        }
        return false;
    }

    private static String percent(long part, int whole) {
        return String.format(Locale.ROOT, "%.1f %%", 100.0 * part / whole);
    }
}
