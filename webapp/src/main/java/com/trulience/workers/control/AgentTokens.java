package com.trulience.workers.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Agent tokens: 256 random bits, shown once, stored as SHA-256. A slow hash buys nothing for a secret with
 * that much entropy, and a fast one lets the handshake find the worker by the hash itself.
 */
public final class AgentTokens {

    /** Makes a leaked token easy to recognise by secret scanners and in logs. */
    static final String PREFIX = "trl_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AgentTokens() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String token) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
