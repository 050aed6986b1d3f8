package com.trulience.agents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The budget on a clock the test moves: counts, not the speed of the machine. */
class FrameBudgetTest {

    private final AtomicLong nanos = new AtomicLong(123_456_789L);
    private final FrameBudget budget = new FrameBudget(nanos::get);

    @Test
    void allowsABurstOfFramesThenRefusesUntilTheBucketRefills() {
        for (int i = 0; i < FrameBudget.BURST; i++) {
            assertTrue(budget.takeFrame(), "frame " + i);
        }
        assertFalse(budget.takeFrame());
        advanceMillis(1_000 / FrameBudget.PER_SECOND - 1);
        assertFalse(budget.takeFrame(), "not a whole frame's refill yet");
        advanceMillis(1);
        assertTrue(budget.takeFrame());
        assertFalse(budget.takeFrame());
    }

    @Test
    void refillsPerSecondAndNeverBeyondTheBurst() {
        for (int i = 0; i < FrameBudget.BURST; i++) {
            budget.takeFrame();
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
                assertTrue(budget.takeFrame(), "second " + second + ", frame " + frame);
                advanceMillis(1_000 / FrameBudget.PER_SECOND);
            }
        }
        var flooder = new FrameBudget(nanos::get);
        int allowed = 0;
        // twice the rate for 30 s: the burst, then the rate
        for (int frame = 0; frame < 2 * FrameBudget.PER_SECOND * 30; frame++) {
            if (flooder.takeFrame()) {
                allowed++;
            }
            advanceMillis(1_000 / (2 * FrameBudget.PER_SECOND));
        }
        assertEquals(FrameBudget.BURST + FrameBudget.PER_SECOND * 30, allowed, 1.0);
    }

    @Test
    void batchesGiveTheirTokenBackAndAreBoundedByTheirAcks() {
        for (int i = 0; i < FrameBudget.MAX_UNACKED; i++) {
            assertTrue(budget.takeFrame() && budget.takeBatch(), "batch " + i);
        }
        assertFalse(budget.takeBatch(), "one more than may wait for an ack");
        budget.batchDone();
        assertTrue(budget.takeBatch());
        for (int i = 0; i < FrameBudget.BURST; i++) {
            assertTrue(budget.takeFrame(), "batches left the bucket full: frame " + i);
        }
    }

    private int framesAllowedNow() {
        int allowed = 0;
        while (budget.takeFrame()) {
            allowed++;
        }
        return allowed;
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
