package com.trulience.workers.boundary;

import com.trulience.agents.control.AgentSessions;
import com.trulience.workers.control.AgentTokens;
import com.trulience.workers.entity.Worker;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.logging.Logger;

@Path("v1/admin/workers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkersResource {

    private static final Logger LOG = Logger.getLogger(WorkersResource.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    AgentSessions sessions;

    public record Registration(String name) {
    }

    /** The only response that ever carries a token. */
    public record RegisteredWorker(long id, String name, String token) {
    }

    public record GpuView(int gpuIndex, String name, String uuid, Integer powerLimitWatts) {
    }

    public record WorkerView(long id, String name, String status, OffsetDateTime lastSeenAt, String hostname,
                             String agentVersion, String driverVersion, int gpuCount, List<GpuView> gpus,
                             List<String> services, boolean tokenActive) {

        static WorkerView of(Worker worker) {
            var gpus = worker.gpus().stream()
                    .map(gpu -> new GpuView(gpu.gpuIndex(), gpu.name(), gpu.uuid(), gpu.powerLimitWatts()))
                    .toList();
            return new WorkerView(worker.id(), worker.name(), worker.online() ? "online" : "offline",
                    worker.lastSeenAt(), worker.hostname(), worker.agentVersion(), worker.driverVersion(),
                    gpus.size(), gpus, worker.services(), worker.hasToken());
        }
    }

    @GET
    public List<WorkerView> list() {
        return em.createNamedQuery(Worker.ALL, Worker.class).getResultStream().map(WorkerView::of).toList();
    }

    @GET
    @Path("{id}")
    public WorkerView get(@PathParam("id") long id) {
        return WorkerView.of(find(id));
    }

    @POST
    @Transactional
    public Response register(Registration registration) {
        if (registration == null || registration.name() == null || !registration.name().matches(Worker.NAME_PATTERN)) {
            throw new BadRequestException("name must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (em.createNamedQuery(Worker.COUNT_BY_NAME, Long.class).setParameter("name", registration.name()).getSingleResult() > 0) {
            throw new ClientErrorException("a worker named '" + registration.name() + "' already exists", Response.Status.CONFLICT);
        }
        String token = AgentTokens.generate();
        var worker = new Worker(registration.name(), AgentTokens.hash(token));
        em.persist(worker);
        em.flush();
        LOG.info(() -> "Registered worker " + worker.id() + " '" + worker.name() + "'");
        return Response.status(Response.Status.CREATED)
                .entity(new RegisteredWorker(worker.id(), worker.name(), token))
                .build();
    }

    /** A new token replaces the old one at once; the agent connected with the old one is disconnected. */
    @POST
    @Path("{id}/token")
    @Transactional
    public RegisteredWorker rotateToken(@PathParam("id") long id) {
        var worker = find(id);
        String token = AgentTokens.generate();
        worker.replaceToken(AgentTokens.hash(token));
        sessions.disconnectEverywhere(id, CloseReason.CloseCodes.VIOLATED_POLICY, "token rotated");
        LOG.info(() -> "Rotated the token of worker " + id);
        return new RegisteredWorker(worker.id(), worker.name(), token);
    }

    @DELETE
    @Path("{id}/token")
    @Transactional
    public Response revokeToken(@PathParam("id") long id) {
        find(id).revokeToken();
        sessions.disconnectEverywhere(id, CloseReason.CloseCodes.VIOLATED_POLICY, "token revoked");
        LOG.info(() -> "Revoked the token of worker " + id);
        return Response.noContent().build();
    }

    private Worker find(long id) {
        var worker = em.find(Worker.class, id);
        if (worker == null) {
            throw new NotFoundException("no worker with id " + id);
        }
        return worker;
    }
}
