package com.trulience.agent.link;

import java.time.Duration;
import java.util.Random;

/**
 * How long to wait before the next connection attempt. Exponential with full jitter (a random
 * delay between zero and the doubling ceiling), so that a thousand agents cut off by the same
 * backend restart come back spread over the ceiling instead of in the same second.
 * Configuration errors (a refused token, a policy close) wait {@link #slow()} instead: retrying
 * fast cannot fix them.
 */
public final class Backoff {

    private final Duration base;
    private final Duration cap;
    private final Duration slow;
    private final Duration stableAfter;
    private final Random random;
    private int attempt;

    /**
     * @param stableAfter a connection that lasted this long starts the next series from
     *                    {@code base} again
     */
    public Backoff(Duration base, Duration cap, Duration slow, Duration stableAfter, Random random) {
        this.base = base;
        this.cap = cap;
        this.slow = slow;
        this.stableAfter = stableAfter;
        this.random = random;
    }

    /** 5 s base, 60 s cap, 60 s for configuration errors, stable after 60 s. */
    public static Backoff standard() {
        return new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(60), new Random());
    }

    public Duration next() {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt, 20));
        attempt++;
        return Duration.ofMillis((long) (random.nextDouble() * (ceiling + 1)));
    }

    /** {@code slow} plus up to a quarter more, so refused agents do not retry in step either. */
    public Duration slow() {
        return slow.plusMillis((long) (random.nextDouble() * slow.toMillis() / 4));
    }

    public Duration stableAfter() {
        return stableAfter;
    }

    public void reset() {
        attempt = 0;
    }
}
