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

/** The signed-in user's own account, for viewers and admins alike (web.xml: /api/v1/account/*). */
@Path("v1/account")
@Consumes(MediaType.APPLICATION_JSON)
public class AccountResource {

    @Inject
    UserAccounts accounts;

    public record PasswordChange(String currentPassword, String newPassword) {
    }

    @PUT
    @Path("password")
    public Response changePassword(PasswordChange change, @Context SecurityContext caller) {
        accounts.changeOwnPassword(caller.getUserPrincipal().getName(), change == null ? null : change.currentPassword(),
                change == null ? null : change.newPassword());
        return Response.noContent().build();
    }
}
