package com.trulience.agents.control;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What one worker may send, over all its sockets (a cloned token gets no more than the worker has), so that a
 * flooding agent cannot crowd out the others. Batches are paced by their acks: at most {@link #MAX_UNACKED} may wait for storage (the agent keeps up to 64 in flight). Every other
 * frame (hello, restart_status, anything answered with an error) takes a token from a bucket of {@link #BURST}
 * that refills {@link #PER_SECOND} a second (every frame takes one; a batch handed to storage gives it back).
 * Over either limit, the socket is closed.
 */
final class FrameBudget {

    static final int MAX_UNACKED = 256;
    static final int BURST = 200;
    static final int PER_SECOND = 20;

    private final AtomicInteger unacked = new AtomicInteger();
    private final LongSupplier nanoTime;
    private double tokens = BURST;
    private long refilledAt;

    /** {@code nanoTime} as {@link System#nanoTime}: tests pass a clock they move by hand. */
    FrameBudget(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Any frame; false when the bucket is empty. */
    synchronized boolean takeFrame() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(BURST, tokens + (now - refilledAt) * PER_SECOND / 1e9);
        refilledAt = now;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }

    /** The frame was a valid batch: its token goes back, and it counts as unacked; false when too many are. */
    boolean takeBatch() {
        synchronized (this) {
            tokens = Math.min(BURST, tokens + 1);
        }
        if (unacked.incrementAndGet() > MAX_UNACKED) {
            unacked.decrementAndGet();
            return false;
        }
        return true;
    }

    void batchDone() {
        unacked.decrementAndGet();
    }
}
