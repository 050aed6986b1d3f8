package com.trulience.workers.boundary;

import com.trulience.workers.control.WorkerEnrollment;
import com.trulience.workers.control.WorkerEnrollment.RegisteredWorker;
import com.trulience.workers.entity.Worker;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Tag(name = "workers")
@Path("v1/admin/workers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkersResource {

    @PersistenceContext
    EntityManager em;

    @Inject
    WorkerEnrollment enrollment;

    public record Registration(String name) {
    }

    public record GpuView(int gpuIndex, String name, String uuid, Integer powerLimitWatts) {
    }

    public record WorkerView(long id, String name, String status, OffsetDateTime lastSeenAt, String hostname,
                             String agentVersion, String driverVersion, int gpuCount, List<GpuView> gpus,
                             List<String> services, boolean tokenActive, boolean autoFreeMemory) {

        public static WorkerView of(Worker worker) {
            var gpus = worker.gpus().stream()
                    .map(gpu -> new GpuView(gpu.gpuIndex(), gpu.name(), gpu.uuid(), gpu.powerLimitWatts()))
                    .toList();
            return new WorkerView(worker.id(), worker.name(), worker.online() ? "online" : "offline",
                    worker.lastSeenAt(), worker.hostname(), worker.agentVersion(), worker.driverVersion(),
                    gpus.size(), gpus, worker.services(), worker.hasToken(), worker.autoFreeMemory());
        }
    }

    @Operation(summary = "List every worker with its status, GPUs and services")
    @APIResponse(responseCode = "200", description = "the workers")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @GET
    public List<WorkerView> list() {
        return em.createNamedQuery(Worker.ALL, Worker.class).getResultStream().map(WorkerView::of).toList();
    }

    @Operation(summary = "One worker")
    @APIResponse(responseCode = "200", description = "the worker")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    @Path("{id}")
    public WorkerView get(@PathParam("id") long id) {
        return WorkerView.of(Worker.require(em, id));
    }

    @Operation(summary = "Register a worker; its agent token is in this answer only")
    @APIResponse(responseCode = "201", description = "the worker with its token (stored only as a hash)")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @POST
    public Response register(Registration registration, @Context SecurityContext caller) {
        var registered = enrollment.register(registration == null ? null : registration.name(), caller.getUserPrincipal().getName());
        return Response.status(Response.Status.CREATED).entity(registered).build();
    }

    /** A new token replaces the old one at once; the agent connected with the old one is disconnected. */
    @Operation(summary = "Give the worker a new token; the old one stops and its agent is disconnected")
    @APIResponse(responseCode = "200", description = "the worker with its new token")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @POST
    @Path("{id}/token")
    public RegisteredWorker rotateToken(@PathParam("id") long id, @Context SecurityContext caller) {
        return enrollment.rotateToken(id, caller.getUserPrincipal().getName());
    }

    @Operation(summary = "Revoke the worker's token; its agent is disconnected")
    @APIResponse(responseCode = "204", description = "revoked")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @DELETE
    @Path("{id}/token")
    public Response revokeToken(@PathParam("id") long id, @Context SecurityContext caller) {
        enrollment.revokeToken(id, caller.getUserPrincipal().getName());
        return Response.noContent().build();
    }
}
