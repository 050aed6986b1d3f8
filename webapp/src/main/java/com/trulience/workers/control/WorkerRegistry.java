package com.trulience.workers.control;

import com.trulience.agents.control.Hello;
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
    public boolean hello(Hello hello) {
        em.find(Worker.class, hello.workerId()).announce(hello.hostname(), hello.agentVersion(), hello.driverVersion(),
                hello.intervalSeconds(), hello.services(), hello.gpus());
        boolean cameOnline = em.createNativeQuery("UPDATE workers SET online = true, last_seen_at = NOW() WHERE id = ? AND NOT online")
                .setParameter(1, hello.workerId())
                .executeUpdate() == 1;
        if (!cameOnline) {
            em.createNativeQuery("UPDATE workers SET last_seen_at = NOW() WHERE id = ?").setParameter(1, hello.workerId()).executeUpdate();
        }
        return cameOnline;
    }

    /** The worker's last socket closed; returns whether it was online until now. */
    @Transactional
    public boolean disconnected(long workerId) {
        return em.createNativeQuery("UPDATE workers SET online = false WHERE id = ? AND online")
                .setParameter(1, workerId)
                .executeUpdate() == 1;
    }
}
