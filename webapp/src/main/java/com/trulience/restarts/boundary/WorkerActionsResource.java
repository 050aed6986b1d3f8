package com.trulience.restarts.boundary;

import com.trulience.platform.control.JsonP;
import com.trulience.platform.control.Refused;
import com.trulience.restarts.control.RestartRequests;
import com.trulience.restarts.entity.Action;
import com.trulience.restarts.entity.RestartLog;
import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Arrays;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/v1/admin/workers/{id}/actions}: the remediation ladder, mildest first (free_memory, interrupt,
 * restart). A restart here is the same as {@code POST .../restart}; every action lands in {@code GET .../restarts}.
 */
@Tag(name = "restarts")
@Path("v1/admin/workers/{workerId: [0-9]+}/actions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkerActionsResource {

    @Inject
    RestartRequests requests;

    @Inject
    SecurityContext security;

    @Context
    UriInfo uri;

    public record ActionRequest(String action, String serviceName, String reason, Boolean force) {
    }

    @Operation(summary = "Free ComfyUI's memory, interrupt its job (force required) or restart a service")
    @APIResponse(responseCode = "202", description = "initiated; Location names the row in the restart log")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @POST
    public Response request(@PathParam("workerId") long workerId, ActionRequest body) {
        if (body == null || body.action() == null) {
            throw refused("action", "action is required: one of " + names());
        }
        Action action = Action.named(body.action()).orElseThrow(() -> refused("action", "action must be one of " + names()));
        String username = security.getCallerPrincipal().getName();
        RestartLog log = requests.request(workerId, action, body.serviceName(), body.reason(),
                Boolean.TRUE.equals(body.force()), username, null);
        return RestartView.accepted(log, username, uri);
    }

    private static Refused refused(String field, String message) {
        return new Refused(Refused.Reason.INVALID, message, JsonP.PROVIDER.createObjectBuilder().add("field", field).build());
    }

    private static String names() {
        return String.join(", ", Arrays.stream(Action.values()).map(Action::wire).toList());
    }
}
