package com.trulience.agents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The budget on a clock the test moves: counts, not the speed of the machine. */
class FrameBudgetTest {

    private static final long INTERVAL = FrameBudget.BATCH_INTERVAL_NANOS;

    private final AtomicLong nanos = new AtomicLong(123_456_789L);
    private final FrameBudget budget = new FrameBudget(nanos::get);

    @Test
    void allowsABurstOfFramesThenRefusesUntilTheBucketRefills() {
        for (int i = 0; i < FrameBudget.BURST; i++) {
            assertTrue(frame(budget), "frame " + i);
        }
        assertEquals(Optional.of(FrameBudget.TOO_MANY_FRAMES), budget.admit());
        advanceMillis(1_000 / FrameBudget.PER_SECOND - 1);
        assertFalse(frame(budget), "not a whole frame's refill yet");
        advanceMillis(1);
        assertTrue(frame(budget));
        assertFalse(frame(budget));
    }

    @Test
    void refillsPerSecondAndNeverBeyondTheBurst() {
        for (int i = 0; i < FrameBudget.BURST; i++) {
            frame(budget);
        }
        advanceMillis(1_000);
        assertEquals(FrameBudget.PER_SECOND, framesAllowedNow(), "one second refills PER_SECOND frames");
        advanceMillis(TimeUnit.HOURS.toMillis(1));
        assertEquals(FrameBudget.BURST, framesAllowedNow(), "an idle hour refills only the burst");
    }

    @Test
    void aSteadySenderAtTheRateIsNeverRefusedAndOneFasterIsRefusedAfterTheBurst() {
        for (int second = 0; second < 600; second++) {
            for (int frame = 0; frame < FrameBudget.PER_SECOND; frame++) {
                assertTrue(frame(budget), "second " + second + ", frame " + frame);
                advanceMillis(1_000 / FrameBudget.PER_SECOND);
            }
        }
        var flooder = new FrameBudget(nanos::get);
        int allowed = 0;
        // twice the rate for 30 s: the burst, then the rate
        for (int frame = 0; frame < 2 * FrameBudget.PER_SECOND * 30; frame++) {
            if (frame(flooder)) {
                allowed++;
            }
            advanceMillis(1_000 / (2 * FrameBudget.PER_SECOND));
        }
        assertEquals(FrameBudget.BURST + FrameBudget.PER_SECOND * 30, allowed, 1.0);
    }

    @Test
    void theBatchBurstGoesThroughWithoutDelayAndEachBatchBeyondWaitsOneIntervalMore() {
        for (int i = 0; i < FrameBudget.BATCH_BURST; i++) {
            assertEquals(0, batch(), "batch " + i);
        }
        assertEquals(INTERVAL, batch(), "the first batch over the burst waits exactly 1 / rate");
        assertEquals(2 * INTERVAL, batch());
        advanceNanos(INTERVAL);
        assertEquals(2 * INTERVAL, batch(), "an interval later one more is due, no sooner");
        assertEquals(1_000_000_000L / FrameBudget.BATCHES_PER_SECOND, INTERVAL);
    }

    @Test
    void aSustainedFloodWaitsLongerAndLonger() {
        // twice the rate for 10 s, each batch acked at once: only the pacing holds it back
        long previous = 0;
        int delayed = 0;
        for (int k = 0; k < 2 * FrameBudget.BATCHES_PER_SECOND * 10; k++) {
            long delay = batch();
            budget.batchDone();
            assertTrue(delay >= previous, "batch " + k + " waits " + delay + " after one that waited " + previous);
            if (delay > 0) {
                delayed++;
            }
            previous = delay;
            advanceNanos(INTERVAL / 2);
        }
        // batch k is due (k + 1 - BATCH_BURST) intervals after the start, and arrives k half-intervals after it
        long k = 2L * FrameBudget.BATCHES_PER_SECOND * 10 - 1;
        assertEquals((k + 1 - FrameBudget.BATCH_BURST) * INTERVAL - k * (INTERVAL / 2), previous);
        assertTrue(delayed > 1_800, delayed + " of 2,000 batches delayed");
    }

    @Test
    void aSenderAtTheRateIsNeverDelayedAndAnIdleHourRefillsOnlyTheBurst() {
        for (int i = 0; i < 60 * FrameBudget.BATCHES_PER_SECOND; i++) {
            assertEquals(0, batch(), "batch " + i);
            budget.batchDone();
            advanceNanos(INTERVAL);
        }
        advanceMillis(TimeUnit.HOURS.toMillis(1));
        for (int i = 0; i < FrameBudget.BATCH_BURST; i++) {
            assertEquals(0, batch(), "batch " + i + " after an idle hour");
            budget.batchDone();
        }
        assertEquals(INTERVAL, batch());
    }

    @Test
    void unackedBatchesTheDelayedOnesIncludedAreRefusedBeforeTheFrameIsReadAndBatchDoneFreesAPlace() {
        for (int i = 0; i < FrameBudget.MAX_UNACKED; i++) {
            long delay = batch();
            assertEquals(Math.max(0, i + 1 - FrameBudget.BATCH_BURST) * INTERVAL, delay, "batch " + i);
        }
        assertEquals(Optional.of(FrameBudget.TOO_MANY_UNACKED), budget.admit(), "one more than may wait for an ack");
        assertEquals(Optional.of(FrameBudget.TOO_MANY_UNACKED), budget.admit(), "any frame: it is not read to tell");
        budget.batchDone();
        assertEquals(Optional.empty(), budget.admit());
        assertEquals(Optional.of(FrameBudget.TOO_MANY_UNACKED), budget.admit(), "the frame being read holds the place");
        budget.notABatch();
        assertEquals(Optional.empty(), budget.admit());
        budget.takeBatch();
        for (int i = 0; i < FrameBudget.MAX_UNACKED; i++) {
            budget.batchDone();
        }
        // the batches gave their frame tokens back; the frame that was not one kept its own
        assertEquals(FrameBudget.BURST - 1, framesAllowedNow());
    }

    /**
     * An agent replaying a day's outbox at the default 5 s interval, with its window of 64 batches in flight and each
     * one acked the moment storage gets it: paced, never refused, done in (17,280 - 64) / 100 s, and no batch waits for
     * its ack anywhere near the 90 s after which the agent gives a connection up.
     */
    @Test
    void aDaysOutboxReplaysAtTheRateWithTheAgentsWindowInFlight() {
        int day = 24 * 3600 / 5;
        long start = nanos.get();
        var inFlight = new ArrayDeque<Long>();
        long longestWait = 0;
        int sent = 0;
        while (sent < day || !inFlight.isEmpty()) {
            while (sent < day && inFlight.size() < FrameBudget.BATCH_BURST) {
                long delay = batch();
                longestWait = Math.max(longestWait, delay);
                inFlight.add(nanos.get() + delay);
                sent++;
            }
            nanos.set(Math.max(nanos.get(), inFlight.poll()));
            budget.batchDone();
        }
        assertEquals((day - FrameBudget.BATCH_BURST) * INTERVAL, nanos.get() - start);
        assertEquals(TimeUnit.SECONDS.toNanos(172) + TimeUnit.MILLISECONDS.toNanos(160), nanos.get() - start);
        assertEquals(FrameBudget.BATCH_BURST * INTERVAL, longestWait);
    }

    /** A frame that turns out not to be a batch: admitted or not. */
    private static boolean frame(FrameBudget budget) {
        if (budget.admit().isPresent()) {
            return false;
        }
        budget.notABatch();
        return true;
    }

    /** A valid batch: its delay; it holds its place until the test calls batchDone. */
    private long batch() {
        assertEquals(Optional.empty(), budget.admit());
        return budget.takeBatch();
    }

    private int framesAllowedNow() {
        int allowed = 0;
        while (frame(budget)) {
            allowed++;
        }
        return allowed;
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private void advanceNanos(long nanosMore) {
        nanos.addAndGet(nanosMore);
    }
}
