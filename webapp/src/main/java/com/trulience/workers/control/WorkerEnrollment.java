package com.trulience.workers.control;

import com.trulience.platform.control.Refused;
import com.trulience.workers.entity.TokenRevoked;
import com.trulience.workers.entity.Worker;
import com.trulience.workers.entity.WorkerChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.logging.Logger;

/**
 * Registering workers and replacing or revoking their agent tokens, for the API and the dashboard alike. Refusals are
 * {@link Refused}, so both show the same message; every change is logged with who made it.
 */
@ApplicationScoped
public class WorkerEnrollment {

    private static final Logger LOG = Logger.getLogger(WorkerEnrollment.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<TokenRevoked> tokenRevoked;

    @Inject
    Event<WorkerChanged> changed;

    /** The only value that ever carries a token: it is shown once and stored only as a hash. */
    public record RegisteredWorker(long id, String name, String token) {
    }

    @Transactional
    public RegisteredWorker register(String name, String by) {
        if (name == null || !name.matches(Worker.NAME_PATTERN)) {
            throw new Refused(Refused.Reason.INVALID, "name must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (em.createNamedQuery(Worker.COUNT_BY_NAME, Long.class).setParameter("name", name).getSingleResult() > 0) {
            throw new Refused(Refused.Reason.CONFLICT, "a worker named '" + name + "' already exists");
        }
        String token = AgentTokens.generate();
        var worker = new Worker(name, AgentTokens.hash(token));
        em.persist(worker);
        em.flush();
        changed.fire(new WorkerChanged(worker.id()));
        LOG.info(() -> "Registered worker " + worker.id() + " '" + name + "' by " + by);
        return new RegisteredWorker(worker.id(), name, token);
    }

    /** A new token replaces the old one at once; the agent connected with the old one is disconnected. */
    @Transactional
    public RegisteredWorker rotateToken(long id, String by) {
        var worker = Worker.require(em, id);
        String token = AgentTokens.generate();
        worker.replaceToken(AgentTokens.hash(token));
        tokenRevoked.fire(new TokenRevoked(id, "token rotated"));
        LOG.info(() -> "Rotated the token of worker " + id + " '" + worker.name() + "' by " + by);
        return new RegisteredWorker(worker.id(), worker.name(), token);
    }

    @Transactional
    public void revokeToken(long id, String by) {
        var worker = Worker.require(em, id);
        worker.revokeToken();
        tokenRevoked.fire(new TokenRevoked(id, "token revoked"));
        LOG.info(() -> "Revoked the token of worker " + id + " '" + worker.name() + "' by " + by);
    }
}
