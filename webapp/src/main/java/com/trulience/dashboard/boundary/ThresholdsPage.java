package com.trulience.dashboard.boundary;

import com.trulience.alerts.boundary.ThresholdInput;
import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.entity.Metric;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.workers.entity.Worker;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Named;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.WebApplicationException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * An admin's form for the global thresholds (no {@code worker} parameter) or one worker's overrides, with the API's own
 * validation and writes ({@link ThresholdInput#apply}). Admin-only in web.xml, and a protected view: it opens only from
 * a link in the app.
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

    /** One metric's row of the form. */
    public static final class Row implements Serializable {
        private final Metric metric;
        private Integer warning;
        private Integer critical;
        private boolean enabled;
        private final boolean overridden;
        private final String loaded;

        Row(Metric metric, int warning, int critical, boolean enabled, boolean overridden) {
            this.metric = metric;
            this.warning = warning;
            this.critical = critical;
            this.enabled = enabled;
            this.overridden = overridden;
            this.loaded = state();
        }

        /** A row still at the global values stays global: only edits and existing overrides are written. */
        boolean toWrite() {
            return overridden || !state().equals(loaded);
        }

        private String state() {
            return warning + "/" + critical + "/" + enabled;
        }

        public String getMetricName() {
            return metric.metricName();
        }

        public String getLabel() {
            return AlertsPage.metricLabel(metric.metricName());
        }

        public String getUnit() {
            return metric.unit();
        }

        public Integer getWarning() {
            return warning;
        }

        public void setWarning(Integer warning) {
            this.warning = warning;
        }

        public Integer getCritical() {
            return critical;
        }

        public void setCritical(Integer critical) {
            this.critical = critical;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isOverridden() {
            return overridden;
        }
    }

    @PersistenceContext
    transient EntityManager em;

    private String workerParam;
    private Worker worker;
    private boolean notFound;
    private List<Row> rows = List.of();
    private List<Overriding> overriding = List.of();

    public void load() {
        worker = null;
        notFound = false;
        if (workerParam != null) {
            Long id = parse(workerParam);
            worker = id == null ? null : em.find(Worker.class, id);
            if (worker == null) {
                notFound = true;
                FacesContext.getCurrentInstance().getExternalContext().setResponseStatus(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
        }
        var all = em.createNamedQuery(MetricThreshold.ALL, MetricThreshold.class).getResultList();
        var effective = new EffectiveThresholds(all);
        long scope = worker == null ? NO_WORKER : worker.id();
        rows = Arrays.stream(Metric.values())
                .flatMap(metric -> effective.of(scope, metric.metricName()).stream()
                        .map(l -> new Row(metric, l.warning(), l.critical(), l.enabled(), l.overridden())))
                .toList();
        overriding = worker == null ? overriding(all) : List.of();
    }

    private List<Overriding> overriding(List<MetricThreshold> all) {
        var byWorker = all.stream().filter(row -> row.workerId() != null)
                .collect(Collectors.groupingBy(MetricThreshold::workerId, TreeMap::new,
                        Collectors.mapping(row -> AlertsPage.metricLabel(row.metricName()), Collectors.joining(", "))));
        if (byWorker.isEmpty()) {
            return List.of();
        }
        return em.createNamedQuery(Worker.NAMES_OF, Object[].class).setParameter("ids", byWorker.keySet()).getResultStream()
                .map(row -> new Overriding(((Number) row[0]).longValue(), (String) row[1], byWorker.get(((Number) row[0]).longValue())))
                .sorted(Comparator.comparing(Overriding::name))
                .toList();
    }

    @Transactional
    public void save() {
        var inputs = rows.stream()
                .filter(Row::toWrite)
                .map(row -> new ThresholdInput(row.getMetricName(), row.getWarning(), row.getCritical(), row.isEnabled()))
                .toList();
        if (inputs.isEmpty()) {
            message(FacesMessage.SEVERITY_INFO, "Nothing changed.");
            return;
        }
        try {
            ThresholdInput.apply(em, worker == null ? null : worker.id(), inputs, existing());
        } catch (WebApplicationException invalid) {
            // apply validates every row before it writes any
            message(FacesMessage.SEVERITY_ERROR, invalid.getMessage());
            return;
        }
        em.flush();
        LOG.info(() -> "Thresholds of " + scopeName() + " changed by " + caller() + ": " + inputs);
        message(FacesMessage.SEVERITY_INFO, worker == null
                ? "Saved: these thresholds now apply to every worker without an override of its own."
                : "Saved: these thresholds now apply to " + worker.name() + ".");
        load();
    }

    @Transactional
    public void reset() {
        if (worker == null) {
            return; // the global levels are the floor: there is nothing to reset them to
        }
        em.createNamedQuery(MetricThreshold.DELETE_OF_WORKER).setParameter("workerId", worker.id()).executeUpdate();
        LOG.info(() -> "Thresholds of worker " + worker.id() + " reset to global by " + caller());
        message(FacesMessage.SEVERITY_INFO, worker.name() + " follows the global thresholds again.");
        load();
    }

    private List<MetricThreshold> existing() {
        return worker == null
                ? em.createNamedQuery(MetricThreshold.GLOBAL, MetricThreshold.class).getResultList()
                : em.createNamedQuery(MetricThreshold.OF_WORKER, MetricThreshold.class).setParameter("workerId", worker.id()).getResultList();
    }

    private String scopeName() {
        return worker == null ? "all workers (global)" : "worker " + worker.id();
    }

    private static String caller() {
        return FacesContext.getCurrentInstance().getExternalContext().getRemoteUser();
    }

    private static void message(FacesMessage.Severity severity, String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(severity, text, null));
    }

    private static Long parse(String id) {
        try {
            return id == null ? null : Long.valueOf(id.trim());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    public boolean isNotFound() {
        return notFound;
    }

    public boolean isGlobal() {
        return worker == null;
    }

    public String getName() {
        return worker == null ? null : worker.name();
    }

    public long getWorkerId() {
        return worker == null ? 0 : worker.id();
    }

    public List<Row> getRows() {
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
