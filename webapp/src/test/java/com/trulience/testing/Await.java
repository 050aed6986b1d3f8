package com.trulience.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Polls a probe until its value is what a test waits for, or fails with what it waited for and the last value.
 * The pause between probes starts short and doubles up to {@link #LONGEST_PAUSE}: a quick answer is seen at once,
 * a slow one does not load a busy server with requests.
 */
public final class Await {

    private static final Duration FIRST_PAUSE = Duration.ofMillis(10);
    private static final Duration LONGEST_PAUSE = Duration.ofMillis(250);

    private Await() {
    }

    /** The first value of {@code probe} that {@code done} accepts; an AssertionError after {@code within}. */
    public static <T> T until(String what, Duration within, Callable<T> probe, Predicate<? super T> done) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        long pause = FIRST_PAUSE.toMillis();
        while (true) {
            T value = probe.call();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("waited " + within.toSeconds() + " s for " + what + "; last: " + value);
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, LONGEST_PAUSE.toMillis());
        }
    }

    /** Returns once {@code condition} holds; an AssertionError after {@code within}. */
    public static void until(String what, Duration within, Callable<Boolean> condition) throws Exception {
        until(what, within, condition, Boolean.TRUE::equals);
    }
}
