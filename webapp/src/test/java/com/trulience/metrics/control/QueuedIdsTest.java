package com.trulience.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueuedIdsTest {

    @Test
    void idsAddedWhileATaskIsScheduledRideAlongAndTheNextAddSchedulesAgain() {
        var queue = new QueuedIds();
        var scheduled = new AtomicInteger();
        queue.add(List.of(3L), scheduled::incrementAndGet);
        queue.add(List.of(1L, 3L), scheduled::incrementAndGet);
        assertEquals(1, scheduled.get(), "one task for the burst");
        assertEquals(List.of(3L, 1L), queue.take());
        queue.add(List.of(2L), scheduled::incrementAndGet);
        assertEquals(2, scheduled.get());
        assertEquals(List.of(2L), queue.take());
    }

    @Test
    void aScheduleThatFailedLeavesTheIdsForTheNextAdd() {
        var queue = new QueuedIds();
        assertThrows(IllegalStateException.class, () -> queue.add(List.of(5L), () -> {
            throw new IllegalStateException("refused");
        }));
        var scheduled = new AtomicInteger();
        queue.add(List.of(6L), scheduled::incrementAndGet);
        assertEquals(1, scheduled.get(), "scheduled again");
        assertEquals(List.of(5L, 6L), queue.take());
    }
}
