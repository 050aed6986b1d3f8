package com.trulience.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FairQueueTest {

    /** Items are "worker:n". */
    private static FairQueue<String> queue(int capacity) {
        return new FairQueue<>(capacity, item -> Long.parseLong(item.substring(0, item.indexOf(':'))));
    }

    @Test
    void aFloodingWorkerGetsOneTurnLikeEveryOtherWorker() throws Exception {
        var queue = queue(1_000);
        for (int i = 0; i < 500; i++) {
            assertTrue(queue.offer("1:" + i, 0, TimeUnit.SECONDS));
        }
        queue.offer("2:0", 0, TimeUnit.SECONDS);
        queue.offer("3:0", 0, TimeUnit.SECONDS);
        queue.offer("2:1", 0, TimeUnit.SECONDS);
        var taken = new ArrayList<String>();
        for (int i = 0; i < 6; i++) {
            taken.add(queue.take());
        }
        assertEquals(List.of("1:0", "2:0", "3:0", "1:1", "2:1", "1:2"), taken);
        assertEquals(503 - 6, queue.size());
    }

    @Test
    void isBoundedAndEmptiesInOrderPerWorker() throws Exception {
        var queue = queue(2);
        assertTrue(queue.offer("1:0", 0, TimeUnit.SECONDS));
        assertTrue(queue.offer("1:1", 0, TimeUnit.SECONDS));
        assertFalse(queue.offer("2:0", 10, TimeUnit.MILLISECONDS), "full");
        assertEquals("1:0", queue.poll());
        assertTrue(queue.offer("2:0", 0, TimeUnit.SECONDS));
        assertEquals("1:1", queue.poll());
        assertEquals("2:0", queue.poll());
        assertNull(queue.poll());
    }

    @Test
    void skippedWorkersKeepTheirTurn() throws Exception {
        var queue = queue(10);
        queue.offer("1:0", 0, TimeUnit.SECONDS);
        queue.offer("1:1", 0, TimeUnit.SECONDS);
        queue.offer("2:0", 0, TimeUnit.SECONDS);
        assertEquals("2:0", queue.poll(java.util.Set.of(1L)));
        assertNull(queue.poll(java.util.Set.of(1L)));
        assertEquals("1:0", queue.poll());
    }
}
