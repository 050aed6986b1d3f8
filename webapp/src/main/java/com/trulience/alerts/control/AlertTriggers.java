package com.trulience.alerts.control;

import com.trulience.alerts.entity.AlertTransition;
import com.trulience.metrics.entity.GpuEventStored;
import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.workers.entity.WorkerCameOnline;
import com.trulience.workers.entity.WorkerWentOffline;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where alerting meets the write path: evaluates the committed samples (in order, see {@link StoredInOrder}), the GPU
 * events and each liveness change, then
 * announces the transitions, one event each, after their transaction committed (so observers never see a
 * transition that was rolled back).
 */
@ApplicationScoped
public class AlertTriggers {

    private static final Logger LOG = Logger.getLogger(AlertTriggers.class.getName());

    @Inject
    Alerts alerts;

    @Inject
    Event<AlertTransition> transitions;

    /** Called by {@link StoredInOrder}, one worker's batches in the order they arrived. */
    void metricsStored(List<MetricsBatch> batches) {
        announce("evaluate " + batches.size() + " stored batch(es)", () -> alerts.evaluate(batches));
    }

    void eventStored(@ObservesAsync GpuEventStored stored) {
        var event = stored.event();
        announce("evaluate the " + event.kind().wireName() + " event of worker " + event.workerId() + " GPU " + event.gpuIndex(),
                () -> alerts.event(event));
    }

    void wentOffline(@ObservesAsync WorkerWentOffline offline) {
        announce("raise the offline alert of worker " + offline.workerId(), () -> alerts.workerOffline(offline.workerId(), offline.reason()));
    }

    void cameOnline(@ObservesAsync WorkerCameOnline online) {
        announce("resolve the offline alert of worker " + online.workerId(), () -> alerts.workerOnline(online.workerId()));
    }

    void remindOfOfflineWorkers() {
        announce("remind of offline workers", alerts::remindOfOfflineWorkers);
    }

    private void announce(String what, Supplier<List<AlertTransition>> change) {
        List<AlertTransition> committed;
        try {
            committed = change.get();
        } catch (RuntimeException e) {
            // Nobody waits on an asynchronous observer: without this log the failure would vanish.
            LOG.log(Level.SEVERE, "Alerting could not " + what, e);
            return;
        }
        committed.forEach(transitions::fireAsync);
    }
}
