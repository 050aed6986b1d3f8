package com.trulience.restarts.control;

import com.trulience.alerts.entity.Alert;
import com.trulience.alerts.entity.AlertRaised;
import com.trulience.alerts.entity.AlertTransition;
import com.trulience.platform.control.Refused;
import com.trulience.restarts.entity.Action;
import com.trulience.security.entity.User;
import com.trulience.workers.entity.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.TransactionalException;
import java.util.logging.Logger;

/**
 * The opt-in first step (workers.auto_free_memory): when idle_vram_held opens on such a worker, free_memory is
 * requested once for that alert, initiated by the reserved user {@code system}. Never a restart or an interrupt. The
 * raise is announced once, by the node that opened the alert, and restart_logs.alert_id is unique besides.
 */
@ApplicationScoped
public class AutoFreeMemory {

    private static final Logger LOG = Logger.getLogger(AutoFreeMemory.class.getName());
    private static final String SERVICE = "comfyui";

    @PersistenceContext
    EntityManager em;

    @Inject
    RestartRequests requests;

    void raised(@ObservesAsync AlertTransition transition) {
        if (!(transition instanceof AlertRaised raised) || !Alert.IDLE_VRAM_HELD.equals(raised.notice().metricName())) {
            return;
        }
        var notice = raised.notice();
        var worker = em.find(Worker.class, notice.workerId());
        if (worker == null || !worker.autoFreeMemory()) {
            return;
        }
        try {
            var log = requests.request(notice.workerId(), Action.FREE_MEMORY, SERVICE,
                    "auto_free_memory: alert " + notice.alertId() + " idle_vram_held on GPU " + notice.gpuIndex(), false,
                    User.SYSTEM, notice.alertId());
            LOG.info(() -> "free_memory action " + log.id() + " on worker " + notice.workerId() + " for alert " + notice.alertId());
        } catch (Refused refused) {
            LOG.warning(() -> "auto_free_memory for alert " + notice.alertId() + " of worker " + notice.workerId()
                    + " not requested: " + refused.getMessage());
        } catch (PersistenceException | TransactionalException e) {
            LOG.warning(() -> "auto_free_memory for alert " + notice.alertId() + " of worker " + notice.workerId()
                    + " not requested (already requested for this alert, or the database refused): " + e);
        }
    }
}
