package com.trulience.alerts.boundary;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.ThresholdInput;
import com.trulience.alerts.control.Thresholds;
import com.trulience.workers.entity.Worker;
import com.trulience.workers.entity.WorkerName;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.logging.Logger;

/** The global thresholds, and every worker's overrides with what is in effect for it. */
@Path("v1/admin/thresholds")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ThresholdsResource {

    private static final Logger LOG = Logger.getLogger(ThresholdsResource.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    Thresholds thresholds;

    public record WorkerThresholds(long workerId, String workerName, List<ThresholdView> overrides, List<ThresholdView> effective) {

        static WorkerThresholds of(long workerId, String workerName, EffectiveThresholds thresholds) {
            return new WorkerThresholds(workerId, workerName, thresholds.overridesOf(workerId).stream().map(ThresholdView::of).toList(),
                    thresholds.of(workerId).values().stream().map(ThresholdView::of).toList());
        }
    }

    public record AllThresholds(List<ThresholdView> global, List<WorkerThresholds> workers) {
    }

    @GET
    public AllThresholds all() {
        var inForce = thresholds.inForce();
        var workers = em.createNamedQuery(Worker.NAMES, WorkerName.class).getResultStream()
                .map(worker -> WorkerThresholds.of(worker.id(), worker.name(), inForce))
                .toList();
        return new AllThresholds(inForce.globalRows().stream().map(ThresholdView::of).toList(), workers);
    }

    /** Sets the listed metrics' global levels; metrics not listed keep theirs. */
    @PUT
    @Path("global")
    public List<ThresholdView> putGlobal(List<ThresholdInput> inputs) {
        thresholds.set(null, inputs);
        LOG.info(() -> "Global thresholds changed: " + inputs);
        return thresholds.global().stream().map(ThresholdView::of).toList();
    }

}
