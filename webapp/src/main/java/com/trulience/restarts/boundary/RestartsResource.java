package com.trulience.restarts.boundary;

import com.trulience.restarts.entity.RestartLog;
import com.trulience.security.entity.User;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** One restart, for tracking it to the end: {@code GET /api/v1/admin/restarts/{id}}. */
@Tag(name = "restarts")
@Path("v1/admin/restarts")
@Produces(MediaType.APPLICATION_JSON)
public class RestartsResource {

    @PersistenceContext
    EntityManager em;

    @Operation(summary = "One restart and its status")
    @APIResponse(responseCode = "200", description = "the restart")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    @Path("{id: [0-9]+}")
    public RestartView get(@PathParam("id") long id) {
        var log = em.find(RestartLog.class, id);
        if (log == null) {
            throw new NotFoundException("no restart with id " + id);
        }
        return RestartView.of(log, em.find(User.class, log.initiatedBy()).username());
    }
}
