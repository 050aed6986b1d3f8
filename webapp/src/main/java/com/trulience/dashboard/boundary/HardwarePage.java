package com.trulience.dashboard.boundary;

import com.trulience.alerts.control.GpuTrouble;
import com.trulience.alerts.control.IdleVramAlerts;
import com.trulience.alerts.control.Thresholds;
import com.trulience.metrics.control.ComfyUi;
import com.trulience.metrics.control.CurrentFleet;
import com.trulience.platform.control.DatabaseMigration;
import com.trulience.restarts.control.RestartLogs;
import jakarta.annotation.Resource;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** The landing page: a card per worker with a gauge per GPU metric, re-read whenever {@code FleetPush} says so. */
@Named
@ViewScoped
public class HardwarePage implements Serializable {

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    transient DataSource dataSource;

    @Inject
    RestartLogs restarts;

    @Inject
    Thresholds thresholds;

    @Inject
    GpuTrouble trouble;

    @Inject
    ComfyUi comfyUi;

    @Inject
    IdleVramAlerts idleVram;

    private List<WorkerCard> workers = List.of();

    public void load() {
        var inForce = thresholds.inForce();
        var latestRestarts = restarts.latestPerWorker(RestartProgress.SHOWN_MINUTES);
        var banners = trouble.open();
        var held = idleVram.workers();
        try (var connection = dataSource.getConnection()) {
            var fleet = CurrentFleet.all(connection);
            var comfy = comfyUi.latest(fleet.stream().map(CurrentFleet.WorkerNow::id).toList());
            workers = fleet.stream().map(worker -> WorkerCard.of(worker, inForce,
                    RestartProgress.of(latestRestarts.get(worker.id())), banners, comfy.get(worker.id()),
                    held.contains(worker.id()))).toList();
        } catch (SQLException e) {
            throw new IllegalStateException("current metrics query failed", e);
        }
    }

    public List<WorkerCard> getWorkers() {
        return workers;
    }

    public long getOnlineCount() {
        return workers.stream().filter(WorkerCard::online).count();
    }

    public long getGpuCount() {
        return workers.stream().mapToLong(worker -> worker.gpus().size()).sum();
    }
}
