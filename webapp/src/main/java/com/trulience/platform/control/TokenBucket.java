package com.trulience.platform.control;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket: holds at most {@code burst} tokens, refills {@code perSecond} a second, starts full. Thread-safe.
 */
public final class TokenBucket {

    private final int burst;
    private final double perSecond;
    private final LongSupplier nanoTime;
    private double tokens;
    private long refilledAt;

    /** {@code nanoTime} as {@link System#nanoTime}: tests pass a clock they move by hand. */
    public TokenBucket(int burst, double perSecond, LongSupplier nanoTime) {
        this.burst = burst;
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Takes one token; false (and nothing taken) when the bucket is empty. */
    public synchronized boolean take() {
        refill();
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }

    /** Puts back a token taken for something that turned out to be free. */
    public synchronized void giveBack() {
        tokens = Math.min(burst, tokens + 1);
    }

    /** Whether it holds all its tokens: nothing was taken for at least burst / perSecond seconds. */
    public synchronized boolean isFull() {
        refill();
        return tokens >= burst;
    }

    /** How long until a token is there, to the millisecond: zero when one is now. */
    public synchronized Duration untilNext() {
        refill();
        return tokens >= 1 ? Duration.ZERO : Duration.ofMillis(Math.max(1, Math.round((1 - tokens) / perSecond * 1000)));
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) * perSecond / 1e9);
        refilledAt = now;
    }
}
