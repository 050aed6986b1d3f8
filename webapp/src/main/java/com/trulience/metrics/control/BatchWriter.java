package com.trulience.metrics.control;

import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.metrics.entity.MetricsStored;
import com.trulience.metrics.entity.MetricsWriting;
import com.trulience.platform.control.BackendFigures;
import com.trulience.platform.control.DatabaseMigration;
import com.trulience.workers.entity.WorkerCameOnline;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Group commit: frames from all agents queue here (taken one per worker in turn), and each writer thread stores
 * everything that queued while it was busy in one transaction, then completes each frame's future (the socket then acks it). Under load the
 * groups grow by themselves; when idle a frame is written at once, without a linger delay.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class BatchWriter {

    static final int WRITERS = 2;
    static final int QUEUE_CAPACITY = 20_000;
    static final int MAX_ROWS_PER_TRANSACTION = 8_000;
    /**
     * One worker's share of a transaction (an agent keeps up to 64 batches in flight): a worker with thousands of
     * batches queued (a flood, a clone) cannot make every group, and so every other worker's ack, wait for 8,000 rows.
     */
    static final int MAX_BATCHES_PER_WORKER_AND_TRANSACTION = 64;
    private static final Duration ENQUEUE_TIMEOUT = Duration.ofSeconds(5);
    private static final int COMMIT_ATTEMPTS = 3;
    /** deadlock_detected, serialization_failure */
    private static final Set<String> TRANSIENT_STATES = Set.of("40P01", "40001");
    private static final Logger LOG = Logger.getLogger(BatchWriter.class.getName());

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    Event<MetricsStored> stored;

    @Inject
    Event<MetricsWriting> writing;

    @Inject
    Event<WorkerCameOnline> cameOnline;

    @Inject
    BackendFigures figures;

    @Inject
    FleetSnapshot fleet;

    private Counter rowsIngested;

    /** Round-robin by worker, so that one worker's flood never makes another's frames wait behind all of it. */
    private final FairQueue<Pending> queue = new FairQueue<>(QUEUE_CAPACITY, pending -> pending.batch().workerId());
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running = true;
    /** Held while a writer takes its group, so that groups are announced (MetricsWriting) in the order they were taken. */
    private final Object taking = new Object();

    private record Pending(MetricsBatch batch, CompletableFuture<Void> committed) {
    }

    @PostConstruct
    void start() {
        rowsIngested = figures.register(Counter.builder().name("trulience_backend_rows_ingested")
                .help("GPU samples committed to gpu_metrics by this node").withoutExemplars());
        figures.register(GaugeWithCallback.builder().name("trulience_backend_write_queue_depth")
                .help("Frames waiting for a writer thread on this node (refused at " + QUEUE_CAPACITY + ")")
                .callback(gauge -> gauge.call(queue.size())));
        for (int i = 0; i < WRITERS; i++) {
            var writer = threads.newThread(this::writeUntilStopped);
            writer.setName("trulience-batch-writer-" + i);
            writer.start();
            writers.add(writer);
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        writers.forEach(Thread::interrupt);
    }

    /**
     * Queues a batch; the future completes once its rows are committed, or fails when they could not be (the
     * agent keeps the batch and sends it again). When the queue stays full the batch is refused, which tells
     * the agent to back off.
     */
    public CompletableFuture<Void> submit(MetricsBatch batch) {
        var pending = new Pending(batch, new CompletableFuture<>());
        try {
            if (!queue.offer(pending, ENQUEUE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                pending.committed().completeExceptionally(new Overloaded());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.committed().completeExceptionally(e);
        }
        return pending.committed();
    }

    /** The backend cannot take more frames right now. */
    public static class Overloaded extends RuntimeException {
        Overloaded() {
            super("the backend's write queue is full");
        }
    }

    private void writeUntilStopped() {
        var group = new ArrayList<Pending>();
        while (running) {
            var committed = new CompletableFuture<Void>();
            try {
                synchronized (taking) {
                    group.add(queue.take());
                    int rows = group.get(0).batch().samples().size();
                    var perWorker = new HashMap<Long, Integer>();
                    perWorker.put(group.get(0).batch().workerId(), 1);
                    var full = new HashSet<Long>();
                    while (rows < MAX_ROWS_PER_TRANSACTION) {
                        var next = queue.poll(full);
                        if (next == null) {
                            break;
                        }
                        group.add(next);
                        rows += next.batch().samples().size();
                        long worker = next.batch().workerId();
                        if (perWorker.merge(worker, 1, Integer::sum) >= MAX_BATCHES_PER_WORKER_AND_TRANSACTION) {
                            full.add(worker);
                        }
                    }
                    writing.fire(new MetricsWriting(group.stream().map(Pending::batch).toList(), committed));
                }
                write(group, committed);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                committed.completeExceptionally(e);
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Batch writer failed; it goes on with the next frames", e);
                group.forEach(pending -> pending.committed().completeExceptionally(e));
                committed.completeExceptionally(e);
            } finally {
                group.clear();
            }
        }
    }

    private void write(List<Pending> group, CompletableFuture<Void> groupCommitted) {
        var batches = group.stream().map(Pending::batch).toList();
        MetricsSql.Seen seen;
        try {
            seen = commitWithRetry(batches);
        } catch (SQLException e) {
            LOG.warning(() -> "Could not store " + group.size() + " frame(s); their agents will send them again: " + e.getMessage());
            group.forEach(pending -> pending.committed().completeExceptionally(e));
            groupCommitted.completeExceptionally(e);
            return;
        }
        rowsIngested.inc(batches.stream().mapToInt(batch -> batch.samples().size()).sum());
        try {
            fleet.stored(batches, seen.at(), seen.backOnline());
        } catch (RuntimeException e) {
            // stored all the same: the snapshot catches up with these workers at their next change
            LOG.log(Level.WARNING, "Could not apply a stored group to the fleet snapshot", e);
        }
        groupCommitted.complete(null);
        group.forEach(pending -> pending.committed().complete(null));
        stored.fireAsync(new MetricsStored(batches, seen.at()));
        seen.backOnline().forEach(workerId -> cameOnline.fireAsync(new WorkerCameOnline(workerId)));
    }

    /**
     * A deadlock or serialization failure says nothing about the data: running the group again is right, and
     * cheaper than making every agent in it reconnect and replay.
     */
    private MetricsSql.Seen commitWithRetry(List<MetricsBatch> batches) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (var connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    MetricsSql.insert(connection, batches);
                    ProcessesSql.write(connection, batches);
                    ComfyUiSql.write(connection, batches);
                    var seen = MetricsSql.markSeen(connection, batches);
                    connection.commit();
                    return seen;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (attempt >= COMMIT_ATTEMPTS || !TRANSIENT_STATES.contains(e.getSQLState())) {
                    throw e;
                }
                LOG.fine(() -> "Retrying a group after " + e.getSQLState() + ": " + e.getMessage());
            }
        }
    }

}
