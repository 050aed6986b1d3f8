package com.trulience.agents.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameBudgetTest {

    @Test
    void allowsABurstOfFramesThenRefusesUntilTheBucketRefills() throws InterruptedException {
        var budget = new FrameBudget();
        for (int i = 0; i < FrameBudget.BURST; i++) {
            assertTrue(budget.takeFrame(), "frame " + i);
        }
        assertFalse(budget.takeFrame());
        Thread.sleep(1_000 / FrameBudget.PER_SECOND + 20);
        assertTrue(budget.takeFrame());
    }

    @Test
    void batchesGiveTheirTokenBackAndAreBoundedByTheirAcks() {
        var budget = new FrameBudget();
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
}
