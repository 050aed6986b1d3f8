package com.trulience.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private Instant now = Instant.parse("2026-12-01T12:00:00Z");
    private final LoginThrottle throttle = new LoginThrottle().withClock(new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void locksAfterFiveFailuresForTwiceAsLongEachTime() {
        for (int i = 1; i < LoginThrottle.FREE_FAILURES; i++) {
            throttle.failed("10.0.0.1", "admin");
            assertEquals(Optional.empty(), throttle.refusal("10.0.0.1", "admin"), "failure " + i);
        }
        throttle.failed("10.0.0.1", "admin");
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.refusal("10.0.0.1", "admin"));
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.refusal("10.0.0.2", "admin"), "the user name is locked from anywhere");
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.refusal("10.0.0.1", "viewer"), "the address is locked for any name");
        assertEquals(Optional.empty(), throttle.refusal("10.0.0.2", "viewer"));

        now = now.plusSeconds(1);
        assertEquals(Optional.empty(), throttle.refusal("10.0.0.1", "admin"));
        throttle.failed("10.0.0.1", "admin");
        assertEquals(Optional.of(Duration.ofSeconds(2)), throttle.refusal("10.0.0.1", "admin"));
        for (int i = 0; i < 30; i++) {
            throttle.failed("10.0.0.1", "admin");
        }
        assertEquals(Optional.of(LoginThrottle.LONGEST_LOCK), throttle.refusal("10.0.0.1", "admin"));
    }

    @Test
    void forgetsAfterAQuietSpellAndASuccessClearsTheUserName() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            throttle.failed("10.0.0.1", "admin");
        }
        throttle.succeeded("admin");
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.refusal("10.0.0.1", "viewer"), "the address stays locked");
        assertEquals(Optional.empty(), throttle.refusal("10.0.0.9", "admin"));

        now = now.plus(LoginThrottle.FORGET_AFTER).plusSeconds(1);
        throttle.failed("10.0.0.1", "admin");
        assertEquals(Optional.empty(), throttle.refusal("10.0.0.1", "admin"), "counting starts again");
    }

    @Test
    void tracksABoundedNumberOfKeys() {
        for (int i = 0; i < LoginThrottle.TRACKED * 3; i++) {
            throttle.failed("10.0.0.1", "user-" + i);
        }
        // the address is used all the time, so it is never the eldest: it stays locked
        assertTrue(throttle.refusal("10.0.0.1", "someone").isPresent());
        assertEquals(Optional.empty(), throttle.refusal("10.9.9.9", "user-0"), "the oldest names were evicted");
    }
}
