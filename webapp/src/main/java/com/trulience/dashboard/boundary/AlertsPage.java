package com.trulience.dashboard.boundary;

import com.trulience.alerts.boundary.AlertsResource.AlertView;
import com.trulience.workers.entity.Worker;
import com.trulience.workers.entity.WorkerName;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Named;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Open alerts first, then the most recent resolved ones. */
@Named
@ViewScoped
public class AlertsPage implements Serializable {

    static final int RECENT = 200;

    @PersistenceContext
    transient EntityManager em;

    private List<AlertView> open = List.of();
    private List<AlertView> recent = List.of();
    private final Map<Long, String> workerNames = new HashMap<>();

    public void load() {
        open = AlertView.list(em, "open", 0, RECENT);
        recent = AlertView.list(em, "resolved", 0, RECENT);
        em.createNamedQuery(Worker.NAMES, WorkerName.class).getResultStream()
                .forEach(worker -> workerNames.put(worker.id(), worker.name()));
    }

    public String workerName(long workerId) {
        return workerNames.getOrDefault(workerId, "#" + workerId);
    }

    public List<AlertView> getOpen() {
        return open;
    }

    public List<AlertView> getRecent() {
        return recent;
    }
}
