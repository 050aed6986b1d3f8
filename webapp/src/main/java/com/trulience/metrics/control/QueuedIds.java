package com.trulience.metrics.control;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Worker ids waiting for one task that takes them all: ids added while the task is scheduled ride along with it,
 * so a burst of changes costs one task, not one each. Thread-safe.
 */
final class QueuedIds {

    private final Set<Long> ids = new LinkedHashSet<>();
    private boolean scheduled;

    /**
     * Queues the ids, and runs {@code schedule} (outside the lock) when no task is scheduled yet. When it throws, the
     * ids stay queued and the next add schedules again.
     */
    void add(Collection<Long> more, Runnable schedule) {
        synchronized (this) {
            ids.addAll(more);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        try {
            schedule.run();
        } catch (RuntimeException refused) {
            synchronized (this) {
                scheduled = false;
            }
            throw refused;
        }
    }

    /** Every id queued, in the order they came; the next add schedules a task again. */
    synchronized List<Long> take() {
        var taken = List.copyOf(ids);
        ids.clear();
        scheduled = false;
        return taken;
    }
}
