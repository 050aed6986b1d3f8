package com.trulience.security.boundary;

import com.trulience.security.control.UserAccounts;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The signed-in user's own account, for viewers and admins alike (web.xml: /api/v1/account/*). */
@Path("v1/account")
@Consumes(MediaType.APPLICATION_JSON)
public class AccountResource {

    @Inject
    UserAccounts accounts;

    public record PasswordChange(String currentPassword, String newPassword) {
    }

    @Operation(summary = "Change your own password (any signed-in user)")
    @APIResponse(responseCode = "204", description = "changed")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @PUT
    @Path("password")
    public Response changePassword(PasswordChange change, @Context SecurityContext caller) {
        accounts.changeOwnPassword(caller.getUserPrincipal().getName(), change == null ? null : change.currentPassword(),
                change == null ? null : change.newPassword());
        return Response.noContent().build();
    }
}
