package com.trulience.dashboard.boundary;

import com.trulience.alerts.boundary.AlertsResource.AlertView;
import com.trulience.alerts.control.Levels;
import com.trulience.alerts.control.Thresholds;
import com.trulience.metrics.control.GpuEvents;
import com.trulience.metrics.control.ComfyUi;
import com.trulience.metrics.control.History;
import com.trulience.metrics.control.Processes;
import com.trulience.restarts.boundary.RestartView;
import com.trulience.workers.control.WorkerSettings;
import com.trulience.workers.entity.Worker;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.Serializable;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One worker: history charts over a chosen range, its GPU events, its alerts and the thresholds in force for it. */
@Named
@ViewScoped
public class WorkerPage implements Serializable {

    /** Points per GPU and chart: enough for a smooth line, few enough for a quick page. */
    static final int CHART_POINTS = 360;
    static final int RESTART_HISTORY = 50;
    static final int ALERTS = 50;
    static final int EVENTS = 50;

    @PersistenceContext
    transient EntityManager em;

    @Inject
    History history;

    @Inject
    Thresholds thresholds;

    @Inject
    GpuEvents gpuEvents;

    @Inject
    Processes processes;

    @Inject
    ComfyUi comfyUi;

    @Inject
    WorkerSettings settings;

    private boolean autoFreeMemory;

    private String id;
    private String range;
    private WorkerHeader worker;
    private boolean hasSamples;
    private Map<String, String> charts = Map.of();
    private List<Levels> levels = List.of();
    private List<AlertView> alerts = List.of();
    private List<GpuEvents.StoredEvent> events = List.of();
    private List<VramHolders> holders = List.of();

    public void load() {
        var found = Faces.id(id) == null ? null : em.find(Worker.class, Faces.id(id));
        if (found == null) {
            Faces.notFound();
            return;
        }
        refresh(found);
        var inForce = thresholds.inForce();
        levels = List.copyOf(inForce.of(found.id()).values());
        var selected = ChartRange.of(range);
        Instant now = Instant.now();
        try {
            var query = history.plan(found, now.minus(selected.length()), now, null, CHART_POINTS, now);
            var gpus = history.read(query);
            hasSamples = !gpus.isEmpty();
            charts = new java.util.HashMap<>(HistoryChart.all(found, query, gpus, inForce, selected.tick().toMillis()));
            var jobs = comfyUi.samples(found.id(), query.since(), query.until());
            if (!jobs.isEmpty()) {
                charts.put(HistoryChart.COMFYUI_JOBS, HistoryChart.jobs(query, jobs, selected.tick().toMillis()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("history query failed", e);
        }
        alerts = AlertView.list(em, "all", found.id(), ALERTS);
        events = gpuEvents.of(found.id(), Instant.EPOCH, now.plusSeconds(1), EVENTS);
    }

    /** What a push may have changed, without the charts: the online state, the restarts and who holds the VRAM. */
    public void refresh() {
        var found = em.find(Worker.class, worker.id());
        if (found != null) {
            refresh(found);
        }
    }

    private void refresh(Worker found) {
        autoFreeMemory = found.autoFreeMemory();
        worker = WorkerHeader.of(found, RestartView.ofWorker(em, found.id(), RESTART_HISTORY));
        try {
            holders = processes.current(found.id()).stream().map(gpu -> VramHolders.of(gpu, found.services())).toList();
        } catch (SQLException e) {
            throw new IllegalStateException("processes query failed", e);
        }
    }

    /** For the alert table, which names the worker of each alert. */
    public String workerName(long workerId) {
        return worker.name();
    }

    public String chart(String metric) {
        return charts.get(metric);
    }

    public List<ChartRange> getRanges() {
        return List.of(ChartRange.values());
    }

    public String getSelectedRange() {
        return ChartRange.of(range).param();
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getRange() {
        return range;
    }

    public void setRange(String range) {
        this.range = range;
    }

    public boolean isFound() {
        return worker != null;
    }

    public WorkerHeader getWorker() {
        return worker;
    }

    /** The worker page's toggle; the dashboard renders it for admins only, and this holds for a crafted request too. */
    public void saveAutoFreeMemory() {
        var external = jakarta.faces.context.FacesContext.getCurrentInstance().getExternalContext();
        if (!external.isUserInRole("admin")) {
            throw new SecurityException("only an admin may change a worker's settings");
        }
        settings.autoFreeMemory(worker.id(), autoFreeMemory, external.getRemoteUser());
    }

    public boolean isAutoFreeMemory() {
        return autoFreeMemory;
    }

    public void setAutoFreeMemory(boolean autoFreeMemory) {
        this.autoFreeMemory = autoFreeMemory;
    }

    public boolean isHasJobs() {
        return charts.containsKey(HistoryChart.COMFYUI_JOBS);
    }

    public boolean isHasSamples() {
        return hasSamples;
    }

    public List<Levels> getThresholds() {
        return levels;
    }

    public List<VramHolders> getHolders() {
        return holders;
    }

    public List<AlertView> getAlerts() {
        return alerts;
    }

    /** The GPU events timeline, newest first. */
    public List<GpuEvents.StoredEvent> getEvents() {
        return events;
    }
}
