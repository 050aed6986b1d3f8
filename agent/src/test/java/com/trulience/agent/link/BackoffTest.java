package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = Backoff.standard();

    @Test
    void waitsAtMostTheDoublingCeilingFromFiveSecondsUpToAMinute() {
        long[] ceilings = {5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000};
        for (long ceiling : ceilings) {
            long delay = backoff.next().toMillis();
            assertTrue(delay >= 0 && delay <= ceiling, delay + " ms > " + ceiling);
        }
    }

    @Test
    void spreadsAgentsOverTheWholeCeiling() {
        var spread = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(60), new Random(42));
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int agent = 0; agent < 1000; agent++) {
            spread.reset();
            long delay = spread.next().toMillis();
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertTrue(min < 250 && max > 4_750, "first retries of 1000 agents span " + min + ".." + max + " ms");
    }

    @Test
    void startsOverAfterAReset() {
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        backoff.reset();
        assertTrue(backoff.next().toMillis() <= 5_000);
    }

    @Test
    void retriesConfigurationErrorsAboutEveryMinute() {
        for (int i = 0; i < 100; i++) {
            long slow = backoff.slow().toMillis();
            assertTrue(slow >= 60_000 && slow <= 75_000, slow + " ms");
        }
    }
}
