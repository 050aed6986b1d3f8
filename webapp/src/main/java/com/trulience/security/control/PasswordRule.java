package com.trulience.security.control;

import java.util.Optional;

/**
 * What a password must be, for TRULIENCE_ADMIN_PASSWORD and for every password set through the API: at least
 * {@link #MIN_LENGTH} characters, at most {@link #MAX_LENGTH}, no control characters, and at least two of the four
 * kinds (lower-case letters, upper-case letters, digits, anything else). The passwords that scripts/run and the
 * backend generate (24 random Base64url characters) pass.
 */
public final class PasswordRule {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;

    private PasswordRule() {
    }

    /** Why the password is refused; empty when it is good enough. */
    public static Optional<String> weakness(String password) {
        if (password == null || password.isBlank()) {
            return Optional.of("it is blank");
        }
        if (password.length() < MIN_LENGTH) {
            return Optional.of("it has " + password.length() + " characters, fewer than " + MIN_LENGTH);
        }
        if (password.length() > MAX_LENGTH) {
            return Optional.of("it has more than " + MAX_LENGTH + " characters");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("it contains control characters");
        }
        boolean lower = password.chars().anyMatch(Character::isLowerCase);
        boolean upper = password.chars().anyMatch(Character::isUpperCase);
        boolean digit = password.chars().anyMatch(Character::isDigit);
        boolean other = password.chars().anyMatch(c -> !Character.isLetterOrDigit(c));
        int kinds = (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
        if (kinds < 2) {
            return Optional.of("it uses only one kind of character (add upper-case letters, digits or symbols)");
        }
        return Optional.empty();
    }
}
