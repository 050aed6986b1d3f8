package com.trulience.security.boundary;

import com.trulience.security.control.UserAccounts;
import com.trulience.security.entity.User;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Users for admins (under /api/v1/admin/, so web.xml lets only admins in). */
@Path("v1/admin/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UsersResource {

    @Inject
    UserAccounts accounts;

    public record NewUser(String username, String password, String role) {
    }

    public record NewPassword(String password) {
    }

    public record NewRole(String role) {
    }

    public record UserView(String username, String role) {

        static UserView of(User user) {
            return new UserView(user.username(), user.role().groupName());
        }
    }

    @Operation(summary = "Every user with its role")
    @APIResponse(responseCode = "200", description = "the users")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @GET
    public List<UserView> list() {
        return accounts.all().stream().map(UserView::of).toList();
    }

    @Operation(summary = "Add a user (admin or viewer)")
    @APIResponse(responseCode = "201", description = "the user")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @POST
    public Response add(NewUser user, @Context SecurityContext caller) {
        var added = accounts.add(user == null ? null : user.username(), user == null ? null : user.password(),
                user == null ? null : user.role(), caller.getUserPrincipal().getName());
        return Response.status(Response.Status.CREATED).entity(UserView.of(added)).build();
    }

    @Operation(summary = "Set a user's password; the user's other sessions end")
    @APIResponse(responseCode = "204", description = "changed")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @PUT
    @Path("{username}/password")
    public Response changePassword(@PathParam("username") String username, NewPassword body, @Context SecurityContext caller) {
        accounts.changePassword(username, body == null ? null : body.password(), caller.getUserPrincipal().getName());
        return Response.noContent().build();
    }

    @Operation(summary = "Change a user's role (never the last admin's)")
    @APIResponse(responseCode = "204", description = "changed")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @PUT
    @Path("{username}/role")
    public Response changeRole(@PathParam("username") String username, NewRole body, @Context SecurityContext caller) {
        accounts.changeRole(username, body == null ? null : body.role(), caller.getUserPrincipal().getName());
        return Response.noContent().build();
    }
}
