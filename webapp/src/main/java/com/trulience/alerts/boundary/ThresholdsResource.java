package com.trulience.alerts.boundary;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.entity.Metric;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.workers.entity.Worker;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/** The global thresholds, and every worker's overrides with what is in effect for it. */
@Path("v1/admin/thresholds")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ThresholdsResource {

    private static final Logger LOG = Logger.getLogger(ThresholdsResource.class.getName());

    @PersistenceContext
    EntityManager em;

    public record WorkerThresholds(long workerId, String workerName, List<ThresholdView> overrides, List<ThresholdView> effective) {
    }

    public record AllThresholds(List<ThresholdView> global, List<WorkerThresholds> workers) {
    }

    @GET
    public AllThresholds all() {
        var rows = em.createNamedQuery(MetricThreshold.ALL, MetricThreshold.class).getResultList();
        var effective = new EffectiveThresholds(rows);
        var global = rows.stream().filter(row -> row.workerId() == null).map(ThresholdView::of).toList();
        var workers = em.createNamedQuery(Worker.NAMES, Object[].class).getResultStream().map(row -> {
            long id = ((Number) row[0]).longValue();
            return new WorkerThresholds(id, (String) row[1],
                    rows.stream().filter(threshold -> Objects.equals(threshold.workerId(), id)).map(ThresholdView::of).toList(),
                    effective(effective, id));
        }).toList();
        return new AllThresholds(global, workers);
    }

    static List<ThresholdView> effective(EffectiveThresholds thresholds, long workerId) {
        return Arrays.stream(Metric.values())
                .flatMap(metric -> thresholds.of(workerId, metric.metricName()).stream())
                .map(ThresholdView::of)
                .toList();
    }

    /** Sets the listed metrics' global levels; metrics not listed keep theirs. */
    @PUT
    @Path("global")
    @Transactional
    public List<ThresholdView> putGlobal(List<ThresholdInput> thresholds) {
        ThresholdInput.apply(em, null, thresholds, em.createNamedQuery(MetricThreshold.GLOBAL, MetricThreshold.class).getResultList());
        em.flush();
        LOG.info(() -> "Global thresholds changed: " + thresholds);
        return em.createNamedQuery(MetricThreshold.GLOBAL, MetricThreshold.class).getResultStream().map(ThresholdView::of).toList();
    }
}
