package com.trulience.dashboard.boundary;

import com.trulience.alerts.control.IdleVramAlerts;
import com.trulience.dashboard.control.FleetFilter;
import com.trulience.dashboard.control.FleetSummary;
import com.trulience.dashboard.control.FleetView;
import com.trulience.dashboard.control.WorkerTile;
import com.trulience.metrics.control.ComfyUi;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.restarts.control.RestartLogs;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The cards view: a card per worker with a gauge per GPU metric, {@link #PAGE_SIZE} workers a page, in the fleet
 * page's selection (its sort and filter, from the same URL query); re-drawn from the shared {@link FleetView}
 * whenever {@code FleetPush} says so, and only the page's cards are built.
 */
@Named
@ViewScoped
public class HardwarePage implements Serializable {

    static final int PAGE_SIZE = 24;

    @Inject
    FleetView view;

    @Inject
    RestartLogs restarts;

    @Inject
    ComfyUi comfyUi;

    @Inject
    IdleVramAlerts idleVram;

    private FleetFilter filter = FleetFilter.of(name -> null);
    private long version;
    private int page = 1;
    private int pages = 1;
    private int matching;
    private int total;
    private FleetSummary summary;
    private List<WorkerCard> workers = List.of();

    public void load() {
        var faces = FacesContext.getCurrentInstance();
        if (!faces.isPostback()) {
            var parameters = faces.getExternalContext().getRequestParameterMap();
            filter = FleetFilter.of(parameters::get);
            page = pageNumber(parameters.get("page"));
        }
        var snapshot = view.current();
        version = snapshot.version();
        var selected = snapshot.tiles().values().stream().filter(filter::matches).sorted(filter.order()).map(WorkerTile::id).toList();
        total = snapshot.tiles().size();
        matching = selected.size();
        summary = snapshot.summary();
        pages = Math.max(1, (matching + PAGE_SIZE - 1) / PAGE_SIZE);
        page = Math.min(page, pages);
        var shown = selected.subList((page - 1) * PAGE_SIZE, Math.min(matching, page * PAGE_SIZE));
        var byId = snapshot.workers().stream().collect(Collectors.toMap(WorkerNow::id, Function.identity()));
        var latestRestarts = restarts.latestPerWorker(RestartProgress.SHOWN_MINUTES);
        var comfy = comfyUi.latest(shown);
        var held = idleVram.workers();
        workers = shown.stream().map(byId::get).map(worker -> WorkerCard.of(worker, snapshot.thresholds(),
                RestartProgress.of(latestRestarts.get(worker.id())), snapshot.banners(), comfy.get(worker.id()),
                held.contains(worker.id()))).toList();
    }

    private static int pageNumber(String value) {
        try {
            return value == null ? 1 : Math.max(1, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The fleet version the cards are drawn from. */
    public long getVersion() {
        return version;
    }

    public List<WorkerCard> getWorkers() {
        return workers;
    }

    public FleetSummary getSummary() {
        return summary;
    }

    public long getGpuCount() {
        return summary.gpusOk() + summary.gpusWarning() + summary.gpusCritical() + summary.gpusOffline();
    }

    public int getTotal() {
        return total;
    }

    public int getMatching() {
        return matching;
    }

    public int getPage() {
        return page;
    }

    public int getPages() {
        return pages;
    }

    public int getFirstShown() {
        return matching == 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
    }

    public int getLastShown() {
        return Math.min(matching, page * PAGE_SIZE);
    }

    public boolean isFiltered() {
        return !filter.query().isEmpty();
    }

    /** This view's address on another page, with the same selection. */
    public String pageLink(int number) {
        String query = filter.query();
        return "hardware.xhtml?" + (query.isEmpty() ? "" : query + "&") + "page=" + number;
    }

    /** The fleet page with the same selection. */
    public String getFleetLink() {
        String query = filter.query();
        return "fleet.xhtml" + (query.isEmpty() ? "" : "?" + query);
    }
}
