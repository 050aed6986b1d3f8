package com.trulience.workers.control;

import com.trulience.workers.entity.Announcement;
import com.trulience.workers.entity.Worker;
import com.trulience.workers.entity.WorkerChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** What connecting and disconnecting agents change about their workers. */
@ApplicationScoped
public class WorkerRegistry {

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<WorkerChanged> changed;

    /** Stores the hello; returns whether the worker was offline until now. */
    @Transactional
    public boolean hello(Announcement hello) {
        em.find(Worker.class, hello.workerId()).announce(hello.hostname(), hello.agentVersion(), hello.driverVersion(),
                hello.intervalSeconds(), hello.services(), hello.gpus());
        boolean cameOnline = em.createNamedQuery(Worker.CAME_ONLINE).setParameter(1, hello.workerId()).executeUpdate() == 1;
        if (!cameOnline) {
            em.createNamedQuery(Worker.SEEN).setParameter(1, hello.workerId()).executeUpdate();
        }
        changed.fire(new WorkerChanged(hello.workerId()));
        return cameOnline;
    }

    /** What a live socket of the worker must still match: its token's hash (null once revoked) and its newest connection. */
    public record Link(String tokenHash, String connection) {
    }

    /** The current links of the given workers; a deleted worker has none. */
    public Map<Long, Link> links(Collection<Long> workerIds) {
        var links = new HashMap<Long, Link>();
        if (!workerIds.isEmpty()) {
            em.createNamedQuery(Worker.LINKS_OF, Object[].class).setParameter("ids", workerIds).getResultList()
                    .forEach(row -> links.put((Long) row[0], new Link((String) row[1], (String) row[2])));
        }
        return links;
    }

    /** An agent socket opened (on this or another node): it is the worker's newest connection now. */
    @Transactional
    public void connected(long workerId, String connection) {
        em.createNamedQuery(Worker.CONNECTED).setParameter(1, connection).setParameter(2, workerId).executeUpdate();
    }

    /**
     * The worker's last socket on this node closed; returns whether it was online until now. An agent that has
     * meanwhile connected again (to any node) stays online.
     */
    @Transactional
    public boolean disconnected(long workerId, String connection) {
        return em.createNamedQuery(Worker.DISCONNECTED).setParameter(1, workerId).setParameter(2, connection)
                .executeUpdate() == 1;
    }
}
