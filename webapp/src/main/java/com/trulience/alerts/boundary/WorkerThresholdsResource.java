package com.trulience.alerts.boundary;

import com.trulience.alerts.control.ThresholdInput;
import com.trulience.alerts.control.Thresholds;
import com.trulience.metrics.entity.Metric;
import com.trulience.workers.entity.Worker;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * One worker's overrides: they win over the global thresholds; deleting them falls back to global. A change runs in
 * one transaction, its reads included: a change hands the dashboards' push to the managed scheduler, whose task
 * shares this request's Payara invocation and closes the invocation's non-transactional EntityManagers when it ends,
 * so a read outside the transaction after the change failed on Payara Server with "closed EntityManager" (500).
 */
@RequestScoped
@Tag(name = "thresholds")
@Path("v1/admin/workers/{id}/thresholds")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkerThresholdsResource {

    private static final Logger LOG = Logger.getLogger(WorkerThresholdsResource.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    Thresholds thresholds;

    @Operation(summary = "The worker's overrides and the levels in force")
    @APIResponse(responseCode = "200", description = "the worker's thresholds")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    public ThresholdsResource.WorkerThresholds get(@PathParam("id") long id) {
        return view(Worker.require(em, id));
    }

    /** Sets the listed metrics' overrides; the worker's other overrides stay. */
    @Operation(summary = "Override thresholds for the worker")
    @APIResponse(responseCode = "200", description = "the worker's thresholds now")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @PUT
    @Transactional
    public ThresholdsResource.WorkerThresholds put(@PathParam("id") long id, List<ThresholdInput> inputs) {
        var worker = Worker.require(em, id);
        thresholds.set(id, inputs);
        LOG.info(() -> "Thresholds of worker " + id + " changed: " + inputs);
        return view(worker);
    }

    @Operation(summary = "Drop all the worker's overrides (back to global)")
    @APIResponse(responseCode = "204", description = "dropped")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @DELETE
    @Transactional
    public Response deleteAll(@PathParam("id") long id) {
        Worker.require(em, id);
        thresholds.reset(id);
        LOG.info(() -> "Thresholds of worker " + id + " fall back to global");
        return Response.noContent().build();
    }

    @Operation(summary = "Drop the worker's override of one metric")
    @APIResponse(responseCode = "204", description = "dropped")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @DELETE
    @Transactional
    @Path("{metric}")
    public Response delete(@PathParam("id") long id, @PathParam("metric") String metricName) {
        Worker.require(em, id);
        var metric = Metric.named(metricName).orElseThrow(() -> new BadRequestException("unknown metric_name '" + metricName + "'"));
        thresholds.reset(id, metric);
        LOG.info(() -> "Threshold " + metricName + " of worker " + id + " falls back to global");
        return Response.noContent().build();
    }

    private ThresholdsResource.WorkerThresholds view(Worker worker) {
        return ThresholdsResource.WorkerThresholds.of(worker.id(), worker.name(), thresholds.inForce(List.of(worker.id())));
    }
}
