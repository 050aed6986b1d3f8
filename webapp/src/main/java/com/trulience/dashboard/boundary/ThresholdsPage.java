package com.trulience.dashboard.boundary;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.Thresholds;
import com.trulience.metrics.entity.Metric;
import com.trulience.platform.control.Refused;
import com.trulience.workers.entity.Worker;
import com.trulience.workers.entity.WorkerName;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * An admin's form for the global thresholds (no {@code worker} parameter) or one worker's overrides, validated and
 * written by {@link Thresholds} as the API's are. Admin-only in web.xml, and a protected view: it opens only from a
 * link in the app.
 */
@Named
@ViewScoped
public class ThresholdsPage implements Serializable {

    private static final Logger LOG = Logger.getLogger(ThresholdsPage.class.getName());
    /** No worker has this id: asking for its levels gives the global ones. */
    private static final long NO_WORKER = 0;

    /** A worker that has overrides of its own, for the global page's list. */
    public record Overriding(long workerId, String name, String metrics) {
    }

    @PersistenceContext
    transient EntityManager em;

    @Inject
    Thresholds thresholds;

    private String workerParam;
    /** Null on the global page. */
    private Long workerId;
    private String name;
    private boolean notFound;
    private List<ThresholdFormRow> rows = List.of();
    private List<Overriding> overriding = List.of();

    public void load() {
        workerId = null;
        name = null;
        notFound = false;
        if (workerParam != null) {
            Long id = Faces.id(workerParam);
            var worker = id == null ? null : em.find(Worker.class, id);
            if (worker == null) {
                notFound = true;
                Faces.notFound();
                return;
            }
            workerId = worker.id();
            name = worker.name();
        }
        var inForce = thresholds.inForce();
        rows = inForce.of(workerId == null ? NO_WORKER : workerId).values().stream().map(ThresholdFormRow::new).toList();
        overriding = workerId == null ? overriding(inForce) : List.of();
    }

    private List<Overriding> overriding(EffectiveThresholds inForce) {
        var byWorker = inForce.overridesByWorker();
        if (byWorker.isEmpty()) {
            return List.of();
        }
        return em.createNamedQuery(Worker.NAMES_OF, WorkerName.class).setParameter("ids", byWorker.keySet()).getResultStream()
                .map(worker -> new Overriding(worker.id(), worker.name(), byWorker.get(worker.id())
                        .stream().map(threshold -> Metric.labelOf(threshold.metricName())).collect(Collectors.joining(", "))))
                .sorted(Comparator.comparing(Overriding::name))
                .toList();
    }

    public void save() {
        var inputs = rows.stream().filter(ThresholdFormRow::toWrite).map(ThresholdFormRow::input).toList();
        if (inputs.isEmpty()) {
            Faces.message(FacesMessage.SEVERITY_INFO, "Nothing changed.");
            return;
        }
        try {
            thresholds.set(workerId, inputs);
        } catch (Refused invalid) {
            Faces.message(FacesMessage.SEVERITY_ERROR, invalid.getMessage());
            return;
        }
        LOG.info(() -> "Thresholds of " + (workerId == null ? "all workers (global)" : "worker " + workerId) + " changed by "
                + Faces.caller() + ": " + inputs);
        Faces.message(FacesMessage.SEVERITY_INFO, workerId == null
                ? "Saved: these thresholds now apply to every worker without an override of its own."
                : "Saved: these thresholds now apply to " + name + ".");
        load();
    }

    public void reset() {
        if (workerId == null) {
            return; // the global levels are the floor: there is nothing to reset them to
        }
        thresholds.reset(workerId);
        LOG.info(() -> "Thresholds of worker " + workerId + " reset to global by " + Faces.caller());
        Faces.message(FacesMessage.SEVERITY_INFO, name + " follows the global thresholds again.");
        load();
    }

    public boolean isNotFound() {
        return notFound;
    }

    public boolean isGlobal() {
        return workerId == null;
    }

    public String getName() {
        return name;
    }

    public long getWorkerId() {
        return workerId == null ? 0 : workerId;
    }

    public List<ThresholdFormRow> getRows() {
        return rows;
    }

    public List<Overriding> getOverriding() {
        return overriding;
    }

    public String getWorker() {
        return workerParam;
    }

    public void setWorker(String worker) {
        this.workerParam = worker;
    }
}
