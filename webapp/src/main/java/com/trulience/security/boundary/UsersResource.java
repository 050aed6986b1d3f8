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

    @GET
    public List<UserView> list() {
        return accounts.all().stream().map(UserView::of).toList();
    }

    @POST
    public Response add(NewUser user, @Context SecurityContext caller) {
        var added = accounts.add(user == null ? null : user.username(), user == null ? null : user.password(),
                user == null ? null : user.role(), caller.getUserPrincipal().getName());
        return Response.status(Response.Status.CREATED).entity(UserView.of(added)).build();
    }

    @PUT
    @Path("{username}/password")
    public Response changePassword(@PathParam("username") String username, NewPassword body, @Context SecurityContext caller) {
        accounts.changePassword(username, body == null ? null : body.password(), caller.getUserPrincipal().getName());
        return Response.noContent().build();
    }

    @PUT
    @Path("{username}/role")
    public Response changeRole(@PathParam("username") String username, NewRole body, @Context SecurityContext caller) {
        accounts.changeRole(username, body == null ? null : body.role(), caller.getUserPrincipal().getName());
        return Response.noContent().build();
    }
}
