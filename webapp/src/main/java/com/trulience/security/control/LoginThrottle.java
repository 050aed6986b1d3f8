package com.trulience.security.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Failed password sign-ins (HTTP Basic and the login form) per client address and per user name: after
 * {@link #FREE_FAILURES} failures, each further one locks the key for twice as long as the last (1 s, 2 s, 4 s ...
 * up to {@link #LONGEST_LOCK}); while locked, sign-ins are refused with 429 before any hashing. A key is forgotten
 * {@link #FORGET_AFTER} after its last failure, and a success clears its user name. Kept in memory per node (a
 * restart forgets, and each node of a cluster counts alone), in two maps of at most {@link #TRACKED} keys each that
 * evict the least recently used, so that an attacker cycling names or addresses cannot grow the heap. Each burst is
 * logged once, when its key first locks.
 */
@ApplicationScoped
public class LoginThrottle {

    static final int FREE_FAILURES = 5;
    static final Duration FIRST_LOCK = Duration.ofSeconds(1);
    static final Duration LONGEST_LOCK = Duration.ofMinutes(5);
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    static final int TRACKED = 10_000;
    private static final int LONGEST_KEY = 128;
    private static final Logger LOG = Logger.getLogger(LoginThrottle.class.getName());

    private final Failures byAddress = new Failures("from address");
    private final Failures byUser = new Failures("for user name");
    private Clock clock = Clock.systemUTC();

    /** For tests: a clock they drive. */
    LoginThrottle withClock(Clock testClock) {
        clock = testClock;
        return this;
    }

    /** How long the caller must wait before it may try again; empty when it may try now. */
    public Optional<Duration> refusal(String address, String username) {
        var now = clock.instant();
        var wait = max(byAddress.lockedFor(address, now), byUser.lockedFor(username, now));
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    public void failed(String address, String username) {
        var now = clock.instant();
        byAddress.failed(address, now);
        byUser.failed(username, now);
    }

    public void succeeded(String username) {
        byUser.forget(username);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static final class Entry {
        int failures;
        Instant lastFailure;
        Instant lockedUntil = Instant.MIN;
        boolean logged;
    }

    private static final class Failures {

        private final String what;
        private final Map<String, Entry> entries = new BoundedKeys<>(TRACKED);

        Failures(String what) {
            this.what = what;
        }

        synchronized Duration lockedFor(String key, Instant now) {
            var entry = entries.get(keyOf(key));
            if (entry == null || !now.isBefore(entry.lockedUntil)) {
                return Duration.ZERO;
            }
            return Duration.between(now, entry.lockedUntil);
        }

        synchronized void failed(String key, Instant now) {
            String k = keyOf(key);
            var entry = entries.get(k);
            if (entry == null || entry.lastFailure.plus(FORGET_AFTER).isBefore(now)) {
                entry = new Entry();
                entries.put(k, entry);
            }
            entry.failures++;
            entry.lastFailure = now;
            if (entry.failures >= FREE_FAILURES) {
                int doublings = Math.min(entry.failures - FREE_FAILURES, 20);
                var lock = FIRST_LOCK.multipliedBy(1L << doublings);
                entry.lockedUntil = now.plus(lock.compareTo(LONGEST_LOCK) > 0 ? LONGEST_LOCK : lock);
                if (!entry.logged) {
                    entry.logged = true;
                    int failures = entry.failures;
                    LOG.warning(() -> "Password sign-ins " + what + " '" + k + "' are throttled after " + failures
                            + " failed attempts (429 with Retry-After, up to " + LONGEST_LOCK.toMinutes()
                            + " min; logged once per burst)");
                }
            }
        }

        synchronized void forget(String key) {
            entries.remove(keyOf(key));
        }

        /** Bounded, and printable in a log line whatever the caller sent. */
        private static String keyOf(String key) {
            String k = key == null ? "" : key.length() > LONGEST_KEY ? key.substring(0, LONGEST_KEY) : key;
            return k.replaceAll("[^\\x20-\\x7e]", "?").replace('\'', '?');
        }
    }
}
