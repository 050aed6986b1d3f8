package com.trulience.dashboard.boundary;

import com.trulience.alerts.entity.AlertTransition;
import com.trulience.alerts.entity.ThresholdsChanged;
import com.trulience.dashboard.control.FleetView;
import com.trulience.metrics.entity.FleetChanged;
import com.trulience.platform.control.ClusterSignal;
import com.trulience.platform.control.ClusterSignals;
import com.trulience.restarts.entity.RestartChanged;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells open dashboards what in the fleet (samples, online state, restarts, alerts) changed, at most once per {@link #MIN_GAP_MILLIS}: ingestion may commit
 * hundreds of groups a second, and each push re-reads the fleet once ({@link FleetView}) for all of them. Changes that arrive
 * while a push is pending ride along with it, and the first change after a quiet spell goes out at once.
 * A push for a change made on this node also goes to the other backend nodes' dashboards (topic {@value #TOPIC}),
 * on the same throttle; what they hear they push to their own dashboards only, so nothing echoes back.
 */
@ApplicationScoped
public class FleetPush {

    static final String TOPIC = "fleet.changed";
    static final long MIN_GAP_MILLIS = 500;
    private static final Logger LOG = Logger.getLogger(FleetPush.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    ClusterSignals cluster;

    @Inject
    FleetView view;

    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicBoolean changedHere = new AtomicBoolean();
    private volatile long lastSentMillis;

    /**
     * Samples, online state, registration and hello, once the fleet snapshot shows them. Not the events that cause
     * them: FleetSnapshot re-reads a worker on those same events, concurrently, so a push they triggered could read
     * the snapshot before the change (a card kept its restart button disabled after a hello). The other nodes'
     * snapshots hear of the change through their own signal and fire this there, so it is not published again.
     */
    void fleetChanged(@ObservesAsync FleetChanged changed) {
        changed(false);
    }

    /** Restart progress rides on the same throttle: a card shows it, and its button follows the in-flight state. */
    void restartChanged(@ObservesAsync RestartChanged restart) {
        changed(true);
    }

    /** The tiles' alert counts and the summary's open alerts. */
    void alertChanged(@ObservesAsync AlertTransition transition) {
        changed(true);
    }

    /**
     * New levels re-colour tiles and gauges. Stale at once, not only at the push: a page opened right after the save
     * must not be drawn with the old levels.
     */
    void thresholdsChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) ThresholdsChanged levels) {
        view.markStale();
        changed(true);
    }

    void changedElsewhere(@ObservesAsync ClusterSignal signal) {
        if (signal.is(TOPIC)) {
            changed(false);
        }
    }

    void changed(boolean here) {
        if (here) {
            changedHere.set(true);
        }
        if (pending.compareAndSet(false, true)) {
            long wait = Math.max(0, lastSentMillis + MIN_GAP_MILLIS - System.currentTimeMillis());
            scheduler.schedule(this::send, wait, TimeUnit.MILLISECONDS);
        }
    }

    /** One at a time, so that the versions go out in order. */
    private synchronized void send() {
        // cleared before sending, so that a change during the send gets a push of its own
        pending.set(false);
        lastSentMillis = System.currentTimeMillis();
        if (FleetSocket.anyListening()) {
            try {
                FleetSocket.broadcast(view.refresh());
            } catch (RuntimeException e) {
                view.markStale();
                LOG.log(Level.WARNING, "Could not re-read the fleet for the open dashboards", e);
            }
        } else {
            view.markStale();
        }
        if (changedHere.getAndSet(false)) {
            try {
                cluster.publish(TOPIC, JsonValue.EMPTY_JSON_OBJECT);
            } catch (RuntimeException e) {
                // The next change tries again; this node's own dashboards were told already.
                LOG.log(Level.WARNING, "Could not tell the other backend nodes' dashboards of a change", e);
            }
        }
    }
}
