package com.trulience.alerts.control;

import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.metrics.entity.MetricsWriting;
import com.trulience.platform.control.DatabaseMigration;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands the committed groups to alert evaluation in the order the batch writer took them, so that one worker's
 * samples are evaluated in the order they arrived: consecutive-sample counts (recovering, throttled) depend on it,
 * and asynchronous observers, one per group, ran in any order. One thread per node waits for each group's commit in
 * turn and evaluates whatever has been committed behind it together (under load the groups merge, so it keeps up).
 * A group that was not committed is skipped: its agent sends it again.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
// Queuing needs no transaction; evaluation runs its own (Alerts.evaluate).
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class StoredInOrder {

    static final int MAX_WAITING_GROUPS = 10_000;
    static final int MAX_ROWS_PER_EVALUATION = 20_000;
    private static final long COMMIT_WAIT_SECONDS = 120;
    private static final Logger LOG = Logger.getLogger(StoredInOrder.class.getName());

    @Resource
    ManagedThreadFactory threads;

    @Inject
    AlertTriggers triggers;

    private final LinkedBlockingQueue<MetricsWriting> waiting = new LinkedBlockingQueue<>(MAX_WAITING_GROUPS);
    private volatile boolean running = true;
    private Thread evaluator;

    @PostConstruct
    void start() {
        evaluator = threads.newThread(this::evaluateUntilStopped);
        evaluator.setName("trulience-alert-evaluator");
        evaluator.start();
    }

    @PreDestroy
    void stop() {
        running = false;
        evaluator.interrupt();
    }

    /** In the writer's thread, in the order the groups were taken: only queues. */
    public void writing(@Observes MetricsWriting group) {
        if (!waiting.offer(group)) {
            LOG.warning(() -> "Alert evaluation is " + MAX_WAITING_GROUPS + " groups behind: a group of "
                    + group.batches().size() + " batch(es) is not evaluated");
        }
    }

    private void evaluateUntilStopped() {
        while (running) {
            try {
                var batches = new ArrayList<MetricsBatch>();
                addIfCommitted(waiting.take(), batches);
                int rows = rows(batches);
                for (var next = waiting.peek(); next != null && next.committed().toCompletableFuture().isDone()
                        && rows < MAX_ROWS_PER_EVALUATION; next = waiting.peek()) {
                    addIfCommitted(waiting.poll(), batches);
                    rows = rows(batches);
                }
                if (!batches.isEmpty()) {
                    triggers.metricsStored(batches);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Alert evaluation failed; it goes on with the next groups", e);
            }
        }
    }

    private static void addIfCommitted(MetricsWriting group, List<MetricsBatch> batches) throws InterruptedException {
        try {
            group.committed().toCompletableFuture().get(COMMIT_WAIT_SECONDS, TimeUnit.SECONDS);
            batches.addAll(group.batches());
        } catch (ExecutionException notCommitted) {
            // the agents send these batches again
        } catch (TimeoutException e) {
            LOG.warning(() -> "A group was not committed within " + COMMIT_WAIT_SECONDS + " s; its alerts are not evaluated");
        }
    }

    private static int rows(List<MetricsBatch> batches) {
        return batches.stream().mapToInt(batch -> batch.samples().size()).sum();
    }
}
