package com.trulience.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandshakeThrottleTest {

    private long nanos = 1_000_000_000L;
    private final HandshakeThrottle throttle = new HandshakeThrottle().withNanoTime(() -> nanos);

    @Test
    void aTokenGetsTenHandshakesAtOnceThenOneASecond() {
        for (int i = 0; i < HandshakeThrottle.TOKEN_BURST; i++) {
            assertEquals(Optional.empty(), throttle.refusal("flooder", "10.0.0.1"), "handshake " + (i + 1));
        }
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.refusal("flooder", "10.0.0.1"));
        assertEquals(Optional.empty(), throttle.refusal("another worker", "10.0.0.1"), "other tokens are not held up");
        nanos += TimeUnit.MILLISECONDS.toNanos(600);
        assertEquals(Optional.of(Duration.ofMillis(400)), throttle.refusal("flooder", "10.0.0.1"));
        nanos += TimeUnit.MILLISECONDS.toNanos(400);
        assertEquals(Optional.empty(), throttle.refusal("flooder", "10.0.0.1"));
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.refusal("flooder", "10.0.0.1"));
    }

    @Test
    void anAddressWhoseTokensAreRefusedIsHeldUpButOnlyForRefusedOnes() {
        for (int i = 0; i < 100; i++) {
            assertEquals(Optional.empty(), throttle.refusal("worker-" + i, "10.0.0.9"), "a fleet behind one address");
        }
        for (int i = 0; i < HandshakeThrottle.REFUSED_BURST; i++) {
            assertEquals(Optional.empty(), throttle.refusal("guess-" + i, "10.0.0.1"));
            throttle.tokenRefused("10.0.0.1");
        }
        assertEquals(Optional.of(Duration.ofMillis(500)), throttle.refusal("guess-next", "10.0.0.1"));
        assertEquals(Optional.empty(), throttle.refusal("guess-next", "10.0.0.2"), "other addresses are not held up");
        nanos += TimeUnit.MILLISECONDS.toNanos(500);
        assertEquals(Optional.empty(), throttle.refusal("guess-next", "10.0.0.1"));
    }
}
