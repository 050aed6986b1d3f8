package com.trulience.testing;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** A password hash in the stored format of Jakarta Security's Pbkdf2PasswordHash: algorithm:iterations:salt:hash. */
public final class Pbkdf2 {

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int ITERATIONS = 600_000;

    private Pbkdf2() {
    }

    public static String hash(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        try {
            var spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256);
            byte[] hash = SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
            var base64 = Base64.getEncoder();
            return ALGORITHM + ":" + ITERATIONS + ":" + base64.encodeToString(salt) + ":" + base64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a user with that password and role to a test's database, unless one of that name exists. */
    public static void addUser(String database, String username, String password, String role) {
        TestDatabase.execute(database, "INSERT INTO users (username, password_hash, role) VALUES ('" + username + "', '"
                + hash(password) + "', '" + role + "') ON CONFLICT (username) DO NOTHING");
    }
}
