package com.trulience.dashboard.boundary;

import com.trulience.metrics.entity.MetricsStored;
import com.trulience.restarts.entity.RestartChanged;
import com.trulience.workers.entity.WorkerCameOnline;
import com.trulience.workers.entity.WorkerWentOffline;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells open dashboards that the fleet (samples, online state, restarts) changed, at most once per {@link #MIN_GAP_MILLIS}: ingestion may commit
 * hundreds of groups a second, and each push makes every open dashboard re-read the fleet. Changes that arrive
 * while a push is pending ride along with it, and the first change after a quiet spell goes out at once.
 */
@ApplicationScoped
public class FleetPush {

    static final String MESSAGE = "changed";
    static final long MIN_GAP_MILLIS = 500;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile long lastSentMillis;

    void metricsStored(@ObservesAsync MetricsStored stored) {
        changed();
    }

    void cameOnline(@ObservesAsync WorkerCameOnline online) {
        changed();
    }

    void wentOffline(@ObservesAsync WorkerWentOffline offline) {
        changed();
    }

    /** Restart progress rides on the same throttle: a card shows it, and its button follows the in-flight state. */
    void restartChanged(@ObservesAsync RestartChanged restart) {
        changed();
    }

    void changed() {
        if (pending.compareAndSet(false, true)) {
            long wait = Math.max(0, lastSentMillis + MIN_GAP_MILLIS - System.currentTimeMillis());
            scheduler.schedule(this::send, wait, TimeUnit.MILLISECONDS);
        }
    }

    private void send() {
        // cleared before sending, so that a change during the send gets a push of its own
        pending.set(false);
        lastSentMillis = System.currentTimeMillis();
        FleetSocket.broadcast(MESSAGE);
    }
}
