package com.trulience.restarts.boundary;

import com.trulience.agents.control.AgentSessions;
import com.trulience.platform.boundary.Problem;
import com.trulience.restarts.control.RestartLogs;
import com.trulience.restarts.entity.RestartChanged;
import com.trulience.restarts.entity.RestartLog;
import com.trulience.security.entity.User;
import com.trulience.workers.entity.Worker;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.security.enterprise.SecurityContext;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code POST /api/v1/admin/workers/{id}/restart} and {@code GET .../restarts}. One class with a regular path:
 * a root path of {@code v1/admin/workers/{id}} would shadow WorkersResource's sub-paths.
 */
@Path("v1/admin/workers/{workerId: [0-9]+}/{which: restarts?}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkerRestartsResource {

    private static final Logger LOG = Logger.getLogger(WorkerRestartsResource.class.getName());
    static final String SERVICE_NAME = "[A-Za-z0-9@._-]{1,64}";

    @PersistenceContext
    EntityManager em;

    @Inject
    RestartLogs logs;

    @Inject
    AgentSessions sessions;

    @Inject
    SecurityContext security;

    @Inject
    Event<RestartChanged> changed;

    @Context
    UriInfo uri;

    public record RestartRequest(String serviceName, String reason, Boolean force) {
    }

    @POST
    public Response request(@PathParam("workerId") long workerId, @PathParam("which") String which, RestartRequest body) {
        if (!which.equals("restart")) {
            throw new NotAllowedException("GET");
        }
        if (body == null || body.serviceName() == null || !body.serviceName().matches(SERVICE_NAME)) {
            throw new BadRequestException("service_name must be 1-64 letters, digits, '@', '.', '_' or '-'");
        }
        String reason = body.reason() == null || body.reason().isBlank() ? null : body.reason().strip();
        if (reason != null && (reason.length() > RestartLog.MAX_REASON || reason.chars().anyMatch(Character::isISOControl))) {
            throw new BadRequestException("reason must be at most " + RestartLog.MAX_REASON + " characters without control characters");
        }
        boolean force = Boolean.TRUE.equals(body.force());
        var worker = em.find(Worker.class, workerId);
        if (worker == null) {
            throw new NotFoundException("no worker with id " + workerId);
        }
        if (!worker.services().contains(body.serviceName())) {
            throw new BadRequestException("service_name " + body.serviceName() + " is not in the allow-list worker "
                    + workerId + " announced: " + worker.services());
        }
        var user = em.createNamedQuery(User.BY_USERNAME, User.class)
                .setParameter("username", security.getCallerPrincipal().getName()).getSingleResult();
        logs.inFlight(workerId).ifPresent(this::conflict);
        if (!worker.online()) {
            var refused = logs.record(RestartLog.refused(workerId, body.serviceName(), user.id(), reason, force,
                    "worker offline: its agent is not connected"));
            LOG.info(() -> "Restart " + refused.id() + " of " + body.serviceName() + " on worker " + workerId + " by "
                    + user.username() + " refused: the worker is offline");
            changed.fireAsync(RestartChanged.of(refused));
            throw problem(409, "worker " + workerId + " is offline; the attempt is recorded as restart " + refused.id(), refused.id());
        }
        RestartLog log;
        try {
            log = logs.record(new RestartLog(workerId, body.serviceName(), user.id(), reason, force));
        } catch (PersistenceException | jakarta.transaction.TransactionalException e) {
            if (RestartLogs.isInFlightConflict(e)) {
                logs.inFlight(workerId).ifPresent(this::conflict);
            }
            throw e;
        }
        LOG.info(() -> "Restart " + log.id() + " of " + log.serviceName() + " on worker " + workerId + " requested by "
                + user.username() + (force ? " (forced)" : ""));
        changed.fireAsync(RestartChanged.of(log));
        // Not delivered when the agent's socket is on another node: the acknowledgement timeout then fails it.
        sessions.send(workerId, command(log));
        return Response.accepted(RestartView.of(log, user.username()))
                .location(URI.create(uri.getBaseUri() + "v1/admin/restarts/" + log.id()))
                .build();
    }

    @GET
    public List<RestartView> history(@PathParam("workerId") long workerId, @PathParam("which") String which,
                                     @QueryParam("limit") Integer limit) {
        if (!which.equals("restarts")) {
            throw new NotAllowedException("POST");
        }
        if (limit != null && (limit < 1 || limit > 1000)) {
            throw new BadRequestException("limit must be 1..1000");
        }
        if (em.find(Worker.class, workerId) == null) {
            throw new NotFoundException("no worker with id " + workerId);
        }
        return em.createNamedQuery(RestartLog.BY_WORKER, Object[].class)
                .setParameter("workerId", workerId)
                .setMaxResults(limit == null ? 100 : limit)
                .getResultStream()
                .map(row -> RestartView.of((RestartLog) row[0], (String) row[1]))
                .toList();
    }

    private void conflict(RestartLog running) {
        throw problem(409, "restart " + running.id() + " of " + running.serviceName() + " on worker " + running.workerId()
                + " is still in flight (" + running.status() + ")", running.id());
    }

    private ClientErrorException problem(int status, String detail, long restartId) {
        var json = Json.createObjectBuilder(Problem.of(status, detail, uri.getRequestUri().getPath()).toJson())
                .add("restart_id", restartId).build();
        return new ClientErrorException(detail, Response.status(status).type(Problem.MEDIA_TYPE).entity(json.toString()).build());
    }

    static String command(RestartLog log) {
        var json = Json.createObjectBuilder().add("type", "restart").add("restart_id", log.id())
                .add("service_name", log.serviceName()).add("force", log.force());
        if (log.reason() == null) {
            json.addNull("reason");
        } else {
            json.add("reason", log.reason());
        }
        return json.build().toString();
    }
}
