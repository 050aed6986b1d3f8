package com.trulience.agents.control;

import com.trulience.platform.control.TokenBucket;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What one worker may send, over all its sockets (a cloned token gets no more than the worker has), so that a
 * flooding agent cannot crowd out the others.
 *
 * <ul>
 * <li>Batches are paced: {@link #BATCH_BURST} at once, then {@link #BATCHES_PER_SECOND} a second. A batch over the
 * rate is not refused: its hand-off to storage waits until its turn ({@link #takeBatch} says how long), so an agent
 * that replays its outbox gets slower acks and is never closed. Acks are not enough of a limit on their own: storage
 * commits in groups and acks within milliseconds, so a flooder that was only bounded by its acks had thousands of
 * batches a second parsed, stored and acked.
 * <li>At most {@link #MAX_UNACKED} batches, the delayed ones included, wait for their ack. Checked before the frame
 * is read ({@link #admit}), at the price of a counter, not a JSON parse: every frame holds a place as if it were a
 * batch until it turns out not to be one ({@link #notABatch}) or its ack is sent ({@link #batchDone}).
 * <li>Every other frame (hello, restart_status, anything answered with an error) takes a token from a bucket of
 * {@link #BURST} that refills {@link #PER_SECOND} a second (every frame takes one; a batch gives it back).
 * </ul>
 *
 * Over the unacked or the frame limit, the socket is closed.
 *
 * <p>Why 64 at once and 100 a second: 64 is the agent's own window (at most 64 batches unacknowledged), so an agent
 * that reconnects sends its whole window at once without a delay. A live agent sends one batch per interval (5 s by
 * default, 1 s at least), far below the rate. After an outage the agent replays its outbox 64 in flight at a time, at
 * the rate: a day at 5 s (17,280 batches) in (17,280 - 64) / 100 = 172 s, about 3 minutes; the largest outbox the
 * agent keeps (168 h at 1 s, 604,800 batches) in about 101 minutes. Its oldest batch in flight then waits for its ack
 * at most 64 / 100 s = 0.64 s plus storage, far from the 90 s after which the agent gives a connection up.
 */
final class FrameBudget {

    static final int MAX_UNACKED = 256;
    static final int BURST = 200;
    static final int PER_SECOND = 20;
    static final int BATCH_BURST = 64;
    static final int BATCHES_PER_SECOND = 100;
    static final long BATCH_INTERVAL_NANOS = 1_000_000_000L / BATCHES_PER_SECOND;

    static final String TOO_MANY_UNACKED = "more than " + MAX_UNACKED + " batches wait for their ack";
    static final String TOO_MANY_FRAMES = "more than " + PER_SECOND + " frames a second besides acknowledged batches";

    private final AtomicInteger unacked = new AtomicInteger();
    private final TokenBucket frames;
    private final LongSupplier nanoTime;
    /**
     * The batches' bucket as a time (the generic cell rate algorithm): when it would be full again, counting the
     * batches already paced. A batch is due {@link #BATCH_BURST} intervals before it, never before it arrives.
     */
    private long fullAgainAt;

    /** {@code nanoTime} as {@link System#nanoTime}: tests pass a clock they move by hand. */
    FrameBudget(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        frames = new TokenBucket(BURST, PER_SECOND, nanoTime);
        fullAgainAt = nanoTime.getAsLong();
    }

    /**
     * Before the frame is read: empty when it may be read (it now holds a place among the unacked), else why the socket
     * closes.
     */
    Optional<String> admit() {
        if (unacked.incrementAndGet() > MAX_UNACKED) {
            unacked.decrementAndGet();
            return Optional.of(TOO_MANY_UNACKED);
        }
        if (!frames.take()) {
            unacked.decrementAndGet();
            return Optional.of(TOO_MANY_FRAMES);
        }
        return Optional.empty();
    }

    /** The frame read was anything but a valid batch: its place is free again. */
    void notABatch() {
        unacked.decrementAndGet();
    }

    /**
     * The frame was a valid batch: its frame token goes back, and it keeps its place until {@link #batchDone}.
     *
     * @return nanoseconds to wait before handing it to storage, 0 within the burst
     */
    synchronized long takeBatch() {
        frames.giveBack();
        long now = nanoTime.getAsLong();
        if (fullAgainAt - now < 0) {
            fullAgainAt = now;
        }
        fullAgainAt += BATCH_INTERVAL_NANOS;
        return Math.max(0, fullAgainAt - now - BATCH_BURST * BATCH_INTERVAL_NANOS);
    }

    /** Its ack was sent, or it was given up. */
    void batchDone() {
        unacked.decrementAndGet();
    }
}
