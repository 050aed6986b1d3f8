package com.trulience.workers.control;

import com.trulience.workers.entity.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.logging.Logger;

/** A worker's own settings beside its thresholds: for now whether idle_vram_held frees ComfyUI's memory by itself. */
@ApplicationScoped
public class WorkerSettings {

    private static final Logger LOG = Logger.getLogger(WorkerSettings.class.getName());

    @PersistenceContext
    EntityManager em;

    /** @throws com.trulience.platform.control.Refused not found for an unknown worker */
    @Transactional
    public void autoFreeMemory(long workerId, boolean on, String by) {
        Worker.require(em, workerId);
        em.createNativeQuery("UPDATE workers SET auto_free_memory = ?1 WHERE id = ?2").setParameter(1, on)
                .setParameter(2, workerId).executeUpdate();
        LOG.info(() -> "auto_free_memory of worker " + workerId + " set to " + on + " by " + by);
    }

    public boolean autoFreeMemory(long workerId) {
        return Worker.require(em, workerId).autoFreeMemory();
    }
}
