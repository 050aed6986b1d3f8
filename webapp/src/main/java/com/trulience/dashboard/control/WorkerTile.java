package com.trulience.dashboard.control;

import com.trulience.alerts.control.OpenAlertCounts;
import com.trulience.dashboard.control.GpuTile.Level;
import java.util.List;
import java.util.Objects;

/** A worker's group of tiles on the fleet page: who it is, whether it reports, its open alerts and its GPUs' tiles. */
public record WorkerTile(long id, String name, String hostname, boolean online, OpenAlertCounts.Counts alerts, List<GpuTile> gpus) {

    public WorkerTile {
        gpus = List.copyOf(gpus);
    }

    /** The worst level among its GPUs (their last readings also while it is offline); OK without GPUs. */
    public Level worst() {
        return gpus.stream().map(GpuTile::level).max(Enum::compareTo).orElse(Level.OK);
    }

    /**
     * Worst first: a critical GPU, then a worker that stopped reporting, then a warning, then the rest. An offline
     * worker ranks as offline whatever its last readings said: they are stale, and its tiles are drawn hollow, so a
     * stale critical reading must not push a GPU that is critical now down the list.
     */
    int trouble() {
        if (!online) {
            return 2;
        }
        var worst = worst();
        return worst == Level.CRITICAL ? 3 : worst == Level.WARNING ? 1 : 0;
    }

    int hottest() {
        return gpus.stream().mapToInt(GpuTile::temperatureCelsius).max().orElse(Integer.MIN_VALUE);
    }

    double fullestVram() {
        return gpus.stream().mapToDouble(GpuTile::vramUsedPercent).max().orElse(-1);
    }

    /** Whether the group's own line (name, host, status, alert counts) would be drawn alike. */
    boolean sameHeader(WorkerTile other) {
        return other != null && name.equals(other.name) && Objects.equals(hostname, other.hostname) && online == other.online
                && alerts.equals(other.alerts);
    }
}
