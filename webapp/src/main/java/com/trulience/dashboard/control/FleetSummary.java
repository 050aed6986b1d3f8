package com.trulience.dashboard.control;

import com.trulience.dashboard.control.GpuTile.Level;
import java.util.Collection;

/** The fleet page's counts; the GPUs of an offline worker count as offline, not by their last level. */
public record FleetSummary(int workersOnline, int workersOffline, int gpusOk, int gpusWarning, int gpusCritical, int gpusOffline,
                           int alertsCritical, int alertsWarning) {

    static FleetSummary of(Collection<WorkerTile> workers) {
        int online = 0, offline = 0, ok = 0, warning = 0, critical = 0, gpusOffline = 0, alertsCritical = 0, alertsWarning = 0;
        for (var worker : workers) {
            alertsCritical += worker.alerts().critical();
            alertsWarning += worker.alerts().warning();
            if (!worker.online()) {
                offline++;
                gpusOffline += worker.gpus().size();
                continue;
            }
            online++;
            for (var gpu : worker.gpus()) {
                if (gpu.level() == Level.CRITICAL) {
                    critical++;
                } else if (gpu.level() == Level.WARNING) {
                    warning++;
                } else {
                    ok++;
                }
            }
        }
        return new FleetSummary(online, offline, ok, warning, critical, gpusOffline, alertsCritical, alertsWarning);
    }
}
