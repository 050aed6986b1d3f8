package com.trulience.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PasswordRuleTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "short-1", "aaaaaaaaaaaaaaaa", "123456789012345", "ALLUPPERCASEWORD", "tab\there-is-long1"})
    void refusesBlankShortOneKindAndControlCharacters(String password) {
        assertTrue(PasswordRule.weakness(password).isPresent(), password);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingestion-admin-password", "correct horse battery", "Tr0ub4dor&3xx", "it-admin-5f3a9c0d"})
    void acceptsLongPasswordsOfTwoKinds(String password) {
        assertEquals(Optional.empty(), PasswordRule.weakness(password), password);
    }

    @Test
    void saysWhy() {
        assertEquals("it has 7 characters, fewer than 12", PasswordRule.weakness("short-1").orElseThrow());
        assertEquals(Optional.of("it is blank"), PasswordRule.weakness(null));
    }

    /** What scripts/run generates: head -c 18 /dev/urandom | base64 | tr '+/' '-_'. */
    @Test
    void acceptsWhatTheScriptsGenerate() {
        var random = new SecureRandom();
        for (int i = 0; i < 10_000; i++) {
            byte[] bytes = new byte[18];
            random.nextBytes(bytes);
            String generated = Base64.getEncoder().encodeToString(bytes).replace('+', '-').replace('/', '_');
            assertEquals(Optional.empty(), PasswordRule.weakness(generated), generated);
        }
    }
}
