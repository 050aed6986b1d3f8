package com.trulience.platform.boundary;

import com.trulience.platform.control.JsonP;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Response;

/** An RFC 9457 problem document, the body of every error this application sends. */
public record Problem(int status, String title, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public JsonObject toJson() {
        var json = JsonP.PROVIDER.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status);
        if (detail != null) {
            json.add("detail", detail);
        }
        if (instance != null) {
            json.add("instance", instance);
        }
        return json.build();
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(toJson().toString()).build();
    }

    public static Problem of(int status, String detail, String instance) {
        var reason = Response.Status.fromStatusCode(status);
        return new Problem(status, reason == null ? "HTTP " + status : reason.getReasonPhrase(), detail, instance);
    }
}
