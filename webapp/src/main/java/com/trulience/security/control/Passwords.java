package com.trulience.security.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes (OWASP 2023: 600,000 iterations). A verification costs about half a
 * second of CPU on purpose, which HTTP Basic would pay on every API call; so a successful verification is
 * remembered for a few minutes, as a keyed digest of the password next to the hash it matched. A changed
 * password has a new hash and misses the cache.
 * <p>
 * Hashing runs on a small pool of its own ({@link #HASHING_THREADS}, a quarter of the cores, at least one) with
 * {@link #WAITING} places to wait; when those are taken a check is refused at once ({@link PasswordCheckBusy}). So
 * however many clients guess at once, hashing never takes more than that share of the CPU from the threads that
 * serve agents, and no more than a handful of HTTP threads wait for it.
 */
@ApplicationScoped
public class Passwords {

    static final int ITERATIONS = 600_000;
    static final int HASHING_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 4);
    static final int WAITING = 4;
    private static final Duration REMEMBER_FOR = Duration.ofMinutes(5);

    @Inject
    Pbkdf2PasswordHash pbkdf2;

    @Resource
    ManagedThreadFactory threads;

    private ThreadPoolExecutor hashing;

    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private SecretKeySpec digestKey;
    private String dummyHash;

    private record Verified(byte[] digest, Instant until) {
    }

    @PostConstruct
    void configure() {
        pbkdf2.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA256",
                "Pbkdf2PasswordHash.Iterations", Integer.toString(ITERATIONS),
                "Pbkdf2PasswordHash.SaltSizeBytes", "16",
                "Pbkdf2PasswordHash.KeySizeBytes", "32"));
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        digestKey = new SecretKeySpec(key, "HmacSHA256");
        dummyHash = pbkdf2.generate("no user has this password".toCharArray());
        hashing = new ThreadPoolExecutor(HASHING_THREADS, HASHING_THREADS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(WAITING), threads, new ThreadPoolExecutor.AbortPolicy());
    }

    @PreDestroy
    void stop() {
        hashing.shutdownNow();
    }

    public String hash(char[] password) {
        return onHashingPool(() -> pbkdf2.generate(password));
    }

    public boolean verify(char[] password, String storedHash) {
        byte[] digest = digest(password);
        var known = verified.get(storedHash);
        if (known != null && Instant.now().isBefore(known.until()) && MessageDigest.isEqual(known.digest(), digest)) {
            return true;
        }
        boolean matches = onHashingPool(() -> pbkdf2.verify(password, storedHash));
        if (matches) {
            verified.put(storedHash, new Verified(digest, Instant.now().plus(REMEMBER_FOR)));
        }
        return matches;
    }

    /** Spends the same time as a real verification, so that unknown usernames cannot be told apart by timing. */
    public void verifyNothing(char[] password) {
        onHashingPool(() -> pbkdf2.verify(password, dummyHash));
    }

    private <T> T onHashingPool(Callable<T> work) {
        try {
            return hashing.submit(work).get();
        } catch (RejectedExecutionException full) {
            throw new PasswordCheckBusy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PasswordCheckBusy();
        } catch (ExecutionException e) {
            throw new IllegalStateException("password hashing failed", e.getCause());
        }
    }

    private byte[] digest(char[] password) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(digestKey);
            var bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            mac.update(bytes);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
