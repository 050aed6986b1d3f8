package com.trulience.platform.boundary;

import com.trulience.platform.control.JsonP;
import com.trulience.platform.control.Refused;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every exception that leaves a resource into a problem document. */
public final class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {
    }

    @Provider
    public static class HttpErrors implements ExceptionMapper<WebApplicationException> {

        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(WebApplicationException e) {
            // A resource that built its own problem document (with extension members) keeps it.
            if (e.getResponse().hasEntity() && Problem.MEDIA_TYPE.equals(String.valueOf(e.getResponse().getMediaType()))) {
                return e.getResponse();
            }
            if (malformedQueryParameter(e, request)) {
                String why = e.getCause() == null ? "" : ": " + e.getCause().getMessage();
                return Problem.of(400, "a query parameter is not valid for this endpoint" + why, request.getRequestURI()).toResponse();
            }
            int status = e.getResponse().getStatus();
            String detail = status >= 500 ? null : e.getMessage();
            return Problem.of(status, detail, request.getRequestURI()).toResponse();
        }
    }

    /**
     * JAX-RS answers a query parameter it cannot convert (limit=abc) with 404, as if the resource did not exist; it is
     * a malformed request. The specification's mark of it is a 404 that carries the conversion's exception as its cause
     * (Jersey and RESTEasy alike); our own 404s are Refused or carry no cause.
     */
    private static boolean malformedQueryParameter(WebApplicationException e, HttpServletRequest request) {
        // A path parameter that does not convert (workers/abc) stays 404: no such resource.
        return e.getResponse().getStatus() == 404 && request.getQueryString() != null && e.getCause() != null
                && !(e.getCause() instanceof WebApplicationException);
    }

    /** The one place a domain refusal gets its status code; its extra members join the problem document. */
    @Provider
    public static class Refusals implements ExceptionMapper<Refused> {

        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(Refused refused) {
            int status = switch (refused.reason()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
            };
            var problem = JsonP.PROVIDER.createObjectBuilder(Problem.of(status, refused.getMessage(), request.getRequestURI()).toJson());
            refused.members().forEach(problem::add);
            return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem.build().toString()).build();
        }
    }

    /** A body the JSON binding could not read is the client's mistake, not the server's. */
    @Provider
    public static class UnreadableBodies implements ExceptionMapper<ProcessingException> {

        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(ProcessingException e) {
            return Problem.of(400, "the request body is not valid JSON for this endpoint", request.getRequestURI()).toResponse();
        }
    }

    @Provider
    public static class UnexpectedErrors implements ExceptionMapper<Throwable> {

        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(Throwable e) {
            // The client gets a reference to the log line, never internals.
            String reference = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Unexpected error " + reference + " on " + request.getRequestURI(), e);
            return Problem.of(500, "Unexpected error; reference " + reference, request.getRequestURI()).toResponse();
        }
    }
}
