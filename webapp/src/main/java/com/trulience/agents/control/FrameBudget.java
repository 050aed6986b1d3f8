package com.trulience.agents.control;

import com.trulience.platform.control.TokenBucket;
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
    private final TokenBucket frames;

    /** {@code nanoTime} as {@link System#nanoTime}: tests pass a clock they move by hand. */
    FrameBudget(LongSupplier nanoTime) {
        frames = new TokenBucket(BURST, PER_SECOND, nanoTime);
    }

    /** Any frame; false when the bucket is empty. */
    boolean takeFrame() {
        return frames.take();
    }

    /** The frame was a valid batch: its token goes back, and it counts as unacked; false when too many are. */
    boolean takeBatch() {
        frames.giveBack();
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
