package com.trulience.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private long nanos;
    private final TokenBucket bucket = new TokenBucket(2, 4, () -> nanos);

    @Test
    void startsFullRefillsAtItsRateAndNeverHoldsMoreThanItsBurst() {
        assertTrue(bucket.isFull());
        assertTrue(bucket.take());
        assertTrue(bucket.take());
        assertFalse(bucket.take());
        assertEquals(Duration.ofMillis(250), bucket.untilNext());
        nanos += TimeUnit.MILLISECONDS.toNanos(250);
        assertEquals(Duration.ZERO, bucket.untilNext());
        assertTrue(bucket.take());
        nanos += TimeUnit.SECONDS.toNanos(10);
        assertTrue(bucket.isFull());
        assertTrue(bucket.take());
        assertTrue(bucket.take());
        assertFalse(bucket.take());
        bucket.giveBack();
        assertTrue(bucket.take());
    }
}
