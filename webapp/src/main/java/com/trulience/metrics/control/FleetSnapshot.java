package com.trulience.metrics.control;

import com.trulience.platform.control.JsonP;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.metrics.entity.FleetChanged;
import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.platform.control.ClusterSignal;
import com.trulience.platform.control.ClusterSignals;
import com.trulience.platform.control.DatabaseMigration;
import com.trulience.workers.entity.WorkerCameOnline;
import com.trulience.workers.entity.WorkerChanged;
import com.trulience.workers.entity.WorkerWentOffline;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The fleet now, in memory: what {@link CurrentFleet#read} would answer, without reading it. Loaded once, at its
 * first use (a reader or a change), then kept up by ingestion: a committed group of samples is applied as it is
 * (no query; BatchWriter hands it over before the acks), and the rarer changes
 * (a worker registered, a hello, online/offline) re-read only the workers concerned, by id. Readers get an immutable
 * {@link FleetState} and never wait; changes are applied one at a time, so a re-read never overwrites a newer group.
 * <p>
 * With more than one backend node, each node tells the others which workers it changed (topic {@value #TOPIC},
 * at most every {@value #SIGNAL_GAP_MILLIS} ms, the ids collected meanwhile); they re-read those workers by id.
 */
@ApplicationScoped
public class FleetSnapshot {

    static final String TOPIC = "fleet.snapshot";
    static final long SIGNAL_GAP_MILLIS = 200;
    /** A NOTIFY payload holds at most 8,000 bytes: this many ids of up to 12 digits fit with room to spare. */
    static final int IDS_PER_SIGNAL = 400;
    private static final Logger LOG = Logger.getLogger(FleetSnapshot.class.getName());

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    ClusterSignals cluster;

    @Inject
    Event<FleetChanged> changes;

    private volatile FleetState state;
    /** Held while a change is applied; readers never take it. */
    private final Object applying = new Object();
    private final QueuedIds toSignal = new QueuedIds();
    private final QueuedIds toReread = new QueuedIds();

    /** Every worker, ordered as {@link CurrentFleet} orders them; immutable. */
    public List<WorkerNow> workers() {
        return current().workers();
    }

    public Optional<WorkerNow> worker(long workerId) {
        return Optional.ofNullable(current().worker(workerId));
    }

    /** Increases with every applied change. */
    public long version() {
        return current().version();
    }

    /**
     * A group BatchWriter committed, before its frames are acked, so that an agent's acked sample is what the
     * next reader sees. {@code backOnline}: its workers that had been offline.
     */
    void stored(List<MetricsBatch> batches, Instant seenAt, Collection<Long> backOnline) {
        synchronized (applying) {
            if (state == null) {
                current(); // reads this group too; applying it again below changes nothing
            }
            var applied = state.withSamples(batches, seenAt);
            publish(applied.state(), applied.changed(), true);
            var toRead = new LinkedHashSet<>(applied.unknown());
            toRead.addAll(backOnline);
            if (!toRead.isEmpty()) {
                reread(toRead, true);
            }
        }
    }

    void cameOnline(@ObservesAsync WorkerCameOnline online) {
        rereadSoon(online.workerId());
    }

    void wentOffline(@ObservesAsync WorkerWentOffline offline) {
        rereadSoon(offline.workerId());
    }

    /** Read after the commit, on another thread: the committing one is still finishing its transaction. */
    void workerChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) WorkerChanged change) {
        rereadSoon(change.workerId());
    }

    /**
     * Queues the worker for the next re-read, which takes every worker queued until it starts. One re-read per
     * change was one task per registration or hello, each copying the whole fleet one after the other: 10,000
     * agents connecting held up 200 threads of the managed executor on {@link #applying} until it refused work.
     */
    private void rereadSoon(long workerId) {
        try {
            toReread.add(List.of(workerId), () -> executor.execute(this::rereadQueued));
        } catch (RuntimeException refused) {
            // Not applied now: the queue stays, and the next change schedules it again.
            LOG.log(Level.WARNING, "Could not schedule the fleet snapshot's re-read of workers", refused);
        }
    }

    /** Takes the queue once it holds the lock, so that the changes queued while another change applied ride along. */
    private void rereadQueued() {
        synchronized (applying) {
            reread(toReread.take(), true);
        }
    }

    void changedElsewhere(@ObservesAsync ClusterSignal signal) {
        if (signal.is(TOPIC)) {
            var ids = signal.body().getJsonArray("worker_ids").getValuesAs(JsonNumber.class).stream()
                    .map(JsonNumber::longValueExact).toList();
            reread(ids, false);
        }
    }

    private FleetState current() {
        var loaded = state;
        if (loaded != null) {
            return loaded;
        }
        synchronized (applying) {
            if (state == null) {
                try (var connection = dataSource.getConnection()) {
                    state = FleetState.of(CurrentFleet.all(connection), 1);
                } catch (SQLException e) {
                    throw new IllegalStateException("could not load the fleet snapshot", e);
                }
                LOG.info(() -> "Fleet snapshot loaded: " + state.workers().size() + " workers");
            }
            return state;
        }
    }

    /** Inside the lock, so that what it reads is never older than a group applied after it. */
    private void reread(Collection<Long> workerIds, boolean here) {
        synchronized (applying) {
            if (state == null) {
                current();
                return; // loaded just now, with these workers as they are
            }
            try (var connection = dataSource.getConnection()) {
                var found = new ArrayList<WorkerNow>();
                CurrentFleet.read(connection, workerIds, found::add);
                var order = state.reorders(workerIds, found) ? CurrentFleet.order(connection) : null;
                publish(state.withRead(workerIds, found, order), Set.copyOf(workerIds), here);
            } catch (SQLException | RuntimeException e) {
                // Not applied: what the snapshot shows of these workers stays as it was until their next change.
                LOG.log(Level.WARNING, "Could not re-read workers " + workerIds + " for the fleet snapshot", e);
            }
        }
    }

    private void publish(FleetState next, Set<Long> workerIds, boolean here) {
        if (workerIds.isEmpty()) {
            return;
        }
        state = next;
        changes.fireAsync(new FleetChanged(next.version(), workerIds));
        if (here) {
            signal(workerIds);
        }
    }

    private void signal(Set<Long> workerIds) {
        toSignal.add(workerIds, () -> scheduler.schedule(this::sendSignals, SIGNAL_GAP_MILLIS, TimeUnit.MILLISECONDS));
    }

    private void sendSignals() {
        List<Long> ids = toSignal.take();
        for (int from = 0; from < ids.size(); from += IDS_PER_SIGNAL) {
            var array = JsonP.PROVIDER.createArrayBuilder();
            ids.subList(from, Math.min(ids.size(), from + IDS_PER_SIGNAL)).forEach(array::add);
            try {
                cluster.publish(TOPIC, JsonP.PROVIDER.createObjectBuilder().add("worker_ids", array).build());
            } catch (RuntimeException e) {
                // The other nodes catch up with these workers at their next change.
                LOG.log(Level.WARNING, "Could not tell the other backend nodes of " + ids.size() + " changed workers", e);
            }
        }
    }
}
