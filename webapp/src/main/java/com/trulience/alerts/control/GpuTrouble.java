package com.trulience.alerts.control;

import com.trulience.alerts.entity.Alert;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.HashMap;
import java.util.Map;

/** What a GPU card's red banner says: the newest open critical alert of a lost GPU or a hardware Xid, per GPU. */
@ApplicationScoped
public class GpuTrouble {

    @PersistenceContext
    EntityManager em;

    public Map<GpuKey, String> open() {
        var banners = new HashMap<GpuKey, String>();
        em.createNamedQuery(Alert.OPEN_GPU_TROUBLE, Alert.class).setMaxResults(1000).getResultList()
                .forEach(alert -> banners.putIfAbsent(new GpuKey(alert.workerId(), alert.gpuIndex()), alert.message()));
        return banners;
    }
}
