package com.trulience.workers.control;

import com.trulience.workers.entity.Worker;
import com.trulience.workers.entity.WorkerWentOffline;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/**
 * A worker whose agent has been silent for three of its intervals is offline, even while its socket looks
 * open (a hung agent, a half-open TCP connection). Every node may run this: the UPDATE is idempotent and
 * only the node whose UPDATE flips the row fires the event.
 */
// Its schedule may fire before the deployment finished (WildFly starts timers at once): not before the schema is migrated.
@DependsOn("DatabaseMigration")
@Singleton
public class Liveness {

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<WorkerWentOffline> wentOffline;

    @Schedule(hour = "*", minute = "*", second = "*/2", persistent = false)
    void markSilentWorkersOffline() {
        @SuppressWarnings("unchecked")
        List<Number> silent = em.createNamedQuery(Worker.SILENT_GO_OFFLINE).getResultList();
        silent.forEach(id -> wentOffline.fireAsync(new WorkerWentOffline(id.longValue(), WorkerWentOffline.SILENT)));
    }
}
