package com.trulience.security.control;

import jakarta.annotation.PostConstruct;
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
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes (OWASP 2023: 600,000 iterations). A verification costs about half a
 * second of CPU on purpose, which HTTP Basic would pay on every API call; so a successful verification is
 * remembered for a few minutes, as a keyed digest of the password next to the hash it matched. A changed
 * password has a new hash and misses the cache.
 */
@ApplicationScoped
public class Passwords {

    static final int ITERATIONS = 600_000;
    private static final Duration REMEMBER_FOR = Duration.ofMinutes(5);

    @Inject
    Pbkdf2PasswordHash pbkdf2;

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
        dummyHash = hash("no user has this password".toCharArray());
    }

    public String hash(char[] password) {
        return pbkdf2.generate(password);
    }

    public boolean verify(char[] password, String storedHash) {
        byte[] digest = digest(password);
        var known = verified.get(storedHash);
        if (known != null && Instant.now().isBefore(known.until()) && MessageDigest.isEqual(known.digest(), digest)) {
            return true;
        }
        boolean matches = pbkdf2.verify(password, storedHash);
        if (matches) {
            verified.put(storedHash, new Verified(digest, Instant.now().plus(REMEMBER_FOR)));
        }
        return matches;
    }

    /** Spends the same time as a real verification, so that unknown usernames cannot be told apart by timing. */
    public void verifyNothing(char[] password) {
        pbkdf2.verify(password, dummyHash);
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
