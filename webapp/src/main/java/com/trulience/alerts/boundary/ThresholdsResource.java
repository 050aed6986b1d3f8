package com.trulience.alerts.boundary;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.ThresholdInput;
import com.trulience.alerts.control.Thresholds;
import com.trulience.workers.entity.Worker;
import com.trulience.workers.entity.WorkerName;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The global thresholds, and every worker's overrides with what is in effect for it. A change and the read of its
 * result share one transaction, for the reason {@link WorkerThresholdsResource} gives.
 */
@RequestScoped
@Tag(name = "thresholds")
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

    @Operation(summary = "Global thresholds, per-worker overrides and the levels in force per worker")
    @APIResponse(responseCode = "200", description = "the thresholds")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @GET
    public AllThresholds all() {
        var inForce = thresholds.inForce();
        var workers = em.createNamedQuery(Worker.NAMES, WorkerName.class).getResultStream()
                .map(worker -> WorkerThresholds.of(worker.id(), worker.name(), inForce))
                .toList();
        return new AllThresholds(inForce.globalRows().stream().map(ThresholdView::of).toList(), workers);
    }

    /** Sets the listed metrics' global levels; metrics not listed keep theirs. */
    @Operation(summary = "Set global thresholds (listed metrics are set, others kept)")
    @APIResponse(responseCode = "200", description = "the global thresholds now")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @PUT
    @Transactional
    @Path("global")
    public List<ThresholdView> putGlobal(List<ThresholdInput> inputs) {
        thresholds.set(null, inputs);
        LOG.info(() -> "Global thresholds changed: " + inputs);
        return thresholds.global().stream().map(ThresholdView::of).toList();
    }

}
