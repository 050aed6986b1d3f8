package com.trulience.alerts.boundary;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.entity.Metric;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.workers.entity.Worker;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.logging.Logger;

/** One worker's overrides: they win over the global thresholds; deleting them falls back to global. */
@Path("v1/admin/workers/{id}/thresholds")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkerThresholdsResource {

    private static final Logger LOG = Logger.getLogger(WorkerThresholdsResource.class.getName());

    @PersistenceContext
    EntityManager em;

    @GET
    public ThresholdsResource.WorkerThresholds get(@PathParam("id") long id) {
        return view(Worker.require(em, id));
    }

    /** Sets the listed metrics' overrides; the worker's other overrides stay. */
    @PUT
    @Transactional
    public ThresholdsResource.WorkerThresholds put(@PathParam("id") long id, List<ThresholdInput> thresholds) {
        var worker = Worker.require(em, id);
        ThresholdInput.apply(em, id, thresholds, overrides(id));
        em.flush();
        LOG.info(() -> "Thresholds of worker " + id + " changed: " + thresholds);
        return view(worker);
    }

    @DELETE
    @Transactional
    public Response deleteAll(@PathParam("id") long id) {
        Worker.require(em, id);
        em.createNamedQuery(MetricThreshold.DELETE_OF_WORKER).setParameter("workerId", id).executeUpdate();
        LOG.info(() -> "Thresholds of worker " + id + " fall back to global");
        return Response.noContent().build();
    }

    @DELETE
    @Path("{metric}")
    @Transactional
    public Response delete(@PathParam("id") long id, @PathParam("metric") String metricName) {
        Worker.require(em, id);
        if (Metric.named(metricName).isEmpty()) {
            throw new BadRequestException("unknown metric_name '" + metricName + "'");
        }
        em.createNamedQuery(MetricThreshold.DELETE_ONE_OF_WORKER).setParameter("workerId", id)
                .setParameter("metricName", metricName).executeUpdate();
        LOG.info(() -> "Threshold " + metricName + " of worker " + id + " falls back to global");
        return Response.noContent().build();
    }

    private ThresholdsResource.WorkerThresholds view(Worker worker) {
        var rows = em.createNamedQuery(MetricThreshold.APPLYING_TO, MetricThreshold.class)
                .setParameter("workerIds", List.of(worker.id())).getResultList();
        return new ThresholdsResource.WorkerThresholds(worker.id(), worker.name(),
                rows.stream().filter(row -> row.workerId() != null).map(ThresholdView::of).toList(),
                ThresholdsResource.effective(new EffectiveThresholds(rows), worker.id()));
    }

    private List<MetricThreshold> overrides(long id) {
        return em.createNamedQuery(MetricThreshold.OF_WORKER, MetricThreshold.class).setParameter("workerId", id).getResultList();
    }
}
