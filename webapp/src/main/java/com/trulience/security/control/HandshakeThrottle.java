package com.trulience.security.control;

import com.trulience.platform.control.TokenBucket;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Agent handshakes, refused with 429 before any database work once they come faster than any real agent's. Per
 * token: {@link #TOKEN_BURST} at once, then {@link #TOKEN_PER_SECOND} a second (a real agent reconnects with
 * back-off, 5 s and doubling, and 60 s after its socket was replaced), so that a flooder who reconnects the moment it
 * is replaced costs one socket replacement a second instead of one per reconnect, and two clones of one worker stop
 * replacing each other at the bucket's pace. Per client address, only the handshakes whose token was refused (401,
 * each a lookup) count: {@link #REFUSED_BURST}, then {@link #REFUSED_PER_SECOND} a second, so that a fleet behind
 * one NAT address reconnecting after a backend restart is never held up. In memory per node, in two maps of at most
 * {@link #TRACKED} keys that evict the least recently used; a key's refusals are logged once per burst (until its
 * bucket has filled up again).
 */
@ApplicationScoped
public class HandshakeThrottle {

    static final int TOKEN_BURST = 10;
    static final double TOKEN_PER_SECOND = 1;
    static final int REFUSED_BURST = 20;
    static final double REFUSED_PER_SECOND = 2;
    static final int TRACKED = 10_000;
    private static final Logger LOG = Logger.getLogger(HandshakeThrottle.class.getName());

    private final Keys byToken = new Keys(TOKEN_BURST, TOKEN_PER_SECOND);
    private final Keys byAddress = new Keys(REFUSED_BURST, REFUSED_PER_SECOND);
    private LongSupplier nanoTime = System::nanoTime;

    /** For tests: a clock they move by hand. */
    HandshakeThrottle withNanoTime(LongSupplier testClock) {
        nanoTime = testClock;
        return this;
    }

    /**
     * Counts a handshake of the token (by its hash: what the database stores, no secret) from the address: how long
     * it must wait when it is refused, empty when it may go on.
     */
    public Optional<Duration> refusal(String tokenHash, String address) {
        var fromAddress = byAddress.of(address);
        var wait = fromAddress.bucket.untilNext();
        if (!wait.isZero()) {
            fromAddress.logOnce(() -> "Agent handshakes with refused tokens from address " + address);
            return Optional.of(wait);
        }
        var ofToken = byToken.of(tokenHash);
        if (ofToken.take()) {
            return Optional.empty();
        }
        ofToken.logOnce(() -> "Agent handshakes of the token whose hash begins " + tokenHash.substring(0, Math.min(12, tokenHash.length())));
        return Optional.of(ofToken.bucket.untilNext());
    }

    /** The handshake's token was refused (401). */
    public void tokenRefused(String address) {
        byAddress.of(address).take();
    }

    private final class Key {
        final TokenBucket bucket;
        private boolean logged;

        Key(int burst, double perSecond) {
            bucket = new TokenBucket(burst, perSecond, nanoTime);
        }

        synchronized boolean take() {
            if (bucket.isFull()) {
                logged = false;  // a new burst
            }
            return bucket.take();
        }

        synchronized void logOnce(java.util.function.Supplier<String> what) {
            if (!logged) {
                logged = true;
                LOG.warning(() -> what.get() + " are throttled (429 with Retry-After; logged once per burst)");
            }
        }
    }

    private final class Keys {
        private final int burst;
        private final double perSecond;
        private final Map<String, Key> keys = new BoundedKeys<>(TRACKED);

        Keys(int burst, double perSecond) {
            this.burst = burst;
            this.perSecond = perSecond;
        }

        synchronized Key of(String key) {
            return keys.computeIfAbsent(key == null ? "" : key, k -> new Key(burst, perSecond));
        }
    }
}
