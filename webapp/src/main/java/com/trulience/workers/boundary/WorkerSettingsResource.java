package com.trulience.workers.boundary;

import com.trulience.platform.control.JsonP;
import com.trulience.platform.control.Refused;
import com.trulience.workers.control.WorkerSettings;
import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET|PUT /api/v1/admin/workers/{id}/settings}: {@code {"auto_free_memory":true}} (default off). */
@Tag(name = "workers")
@Path("v1/admin/workers/{workerId: [0-9]+}/settings")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkerSettingsResource {

    @Inject
    WorkerSettings settings;

    @Inject
    SecurityContext security;

    public record Settings(Boolean autoFreeMemory) {
    }

    @Operation(summary = "The worker's settings")
    @APIResponse(responseCode = "200", description = "the settings")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    public Settings get(@PathParam("workerId") long workerId) {
        return new Settings(settings.autoFreeMemory(workerId));
    }

    @Operation(summary = "Set auto_free_memory: free ComfyUI's memory by itself once per idle_vram_held alert")
    @APIResponse(responseCode = "200", description = "the settings now")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @PUT
    public Settings put(@PathParam("workerId") long workerId, Settings body) {
        if (body == null || body.autoFreeMemory() == null) {
            throw new Refused(Refused.Reason.INVALID, "auto_free_memory is required: true or false",
                    JsonP.PROVIDER.createObjectBuilder().add("field", "auto_free_memory").build());
        }
        settings.autoFreeMemory(workerId, body.autoFreeMemory(), security.getCallerPrincipal().getName());
        return get(workerId);
    }
}
