package com.trulience.workers.control;

import com.trulience.workers.entity.Announcement;
import com.trulience.workers.entity.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** What connecting and disconnecting agents change about their workers. */
@ApplicationScoped
public class WorkerRegistry {

    @PersistenceContext
    EntityManager em;

    /** Stores the hello; returns whether the worker was offline until now. */
    @Transactional
    public boolean hello(Announcement hello) {
        em.find(Worker.class, hello.workerId()).announce(hello.hostname(), hello.agentVersion(), hello.driverVersion(),
                hello.intervalSeconds(), hello.services(), hello.gpus());
        boolean cameOnline = em.createNamedQuery(Worker.CAME_ONLINE).setParameter(1, hello.workerId()).executeUpdate() == 1;
        if (!cameOnline) {
            em.createNamedQuery(Worker.SEEN).setParameter(1, hello.workerId()).executeUpdate();
        }
        return cameOnline;
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
