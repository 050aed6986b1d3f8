package com.trulience.metrics.control;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * A bounded queue that hands out its items round-robin by key (the worker): each worker with something queued gets
 * one item per turn, so a worker that floods the write path delays another worker's frame by at most one of its own
 * frames, however many it has queued. Within a worker, items keep their order. The JDK has no such queue.
 */
final class FairQueue<T> {

    private final int capacity;
    private final ToLongFunction<T> key;
    private final Map<Long, ArrayDeque<T>> byKey = new HashMap<>();
    /** Keys with something queued, in turn order; each appears once. */
    private final ArrayDeque<Long> turns = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int size;

    FairQueue(int capacity, ToLongFunction<T> key) {
        this.capacity = capacity;
        this.key = key;
    }

    /** Queues the item, waiting up to the timeout for room; false when there was none. */
    boolean offer(T item, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (size >= capacity) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            long k = key.applyAsLong(item);
            var queued = byKey.computeIfAbsent(k, none -> new ArrayDeque<>());
            if (queued.isEmpty()) {
                turns.addLast(k);
            }
            queued.addLast(item);
            size++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The next item in turn, waiting for one. */
    T take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (size == 0) {
                notEmpty.await();
            }
            return next();
        } finally {
            lock.unlock();
        }
    }

    /** The next item in turn, or null when none is queued. */
    T poll() {
        return poll(Set.of());
    }

    /** The next item in turn of a key not in {@code skip} (those keep their turn), or null when there is none. */
    T poll(Set<Long> skip) {
        lock.lock();
        try {
            for (int looked = 0, keys = turns.size(); looked < keys; looked++) {
                if (!skip.contains(turns.peekFirst())) {
                    return next();
                }
                turns.addLast(turns.removeFirst());
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    private T next() {
        long k = turns.removeFirst();
        var queued = byKey.get(k);
        T item = queued.removeFirst();
        if (queued.isEmpty()) {
            byKey.remove(k);
        } else {
            turns.addLast(k);
        }
        size--;
        notFull.signal();
        return item;
    }
}
