package com.trulience.alerts.control;

import com.trulience.alerts.entity.Alert;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.HashSet;
import java.util.Set;

/** The workers with an open idle_vram_held alert: their cards offer "Free VRAM". */
@ApplicationScoped
public class IdleVramAlerts {

    @PersistenceContext
    EntityManager em;

    public Set<Long> workers() {
        var workers = new HashSet<Long>();
        em.createNativeQuery("SELECT DISTINCT worker_id FROM alerts WHERE state = 'open' AND metric_name = ?1")
                .setParameter(1, Alert.IDLE_VRAM_HELD).getResultStream()
                .forEach(id -> workers.add(((Number) id).longValue()));
        return workers;
    }
}
