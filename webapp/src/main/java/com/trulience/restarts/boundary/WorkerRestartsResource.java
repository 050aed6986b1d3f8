package com.trulience.restarts.boundary;

import com.trulience.restarts.control.RestartRequests;
import com.trulience.restarts.entity.RestartLog;
import com.trulience.workers.entity.Worker;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.security.enterprise.SecurityContext;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/v1/admin/workers/{id}/restart} and {@code GET .../restarts}. One class with a regular path:
 * a root path of {@code v1/admin/workers/{id}} would shadow WorkersResource's sub-paths.
 */
@Tag(name = "restarts")
@Path("v1/admin/workers/{workerId: [0-9]+}/{which: restarts?}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkerRestartsResource {

    @PersistenceContext
    EntityManager em;

    @Inject
    RestartRequests requests;

    @Inject
    SecurityContext security;

    @Context
    UriInfo uri;

    public record RestartRequest(String serviceName, String reason, Boolean force) {
    }

    @Operation(summary = "Restart a service on the worker (job-aware unless force)")
    @APIResponse(responseCode = "202", description = "initiated; Location names the restart")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @POST
    public Response request(@PathParam("workerId") long workerId, @PathParam("which") String which, RestartRequest body) {
        if (!which.equals("restart")) {
            throw new NotAllowedException("GET");
        }
        String username = security.getCallerPrincipal().getName();
        RestartLog log = body == null ? requests.request(workerId, null, null, false, username)
                : requests.request(workerId, body.serviceName(), body.reason(), Boolean.TRUE.equals(body.force()), username);
        return RestartView.accepted(log, username, uri);
    }

    @Operation(summary = "The worker's restarts, newest first")
    @APIResponse(responseCode = "200", description = "the restarts")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    public List<RestartView> history(@PathParam("workerId") long workerId, @PathParam("which") String which,
                                     @QueryParam("limit") Integer limit) {
        if (!which.equals("restarts")) {
            throw new NotAllowedException("POST");
        }
        if (limit != null && (limit < 1 || limit > 1000)) {
            throw new BadRequestException("limit must be 1..1000");
        }
        Worker.require(em, workerId);
        return RestartView.ofWorker(em, workerId, limit == null ? 100 : limit);
    }
}
