package com.trulience.restarts.entity;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The remediation ladder, mildest first: free ComfyUI's cached models and memory, interrupt its running job, restart
 * the service. A restart travels as the {@code restart} frame, the others as the {@code action} frame.
 */
public enum Action {
    FREE_MEMORY, INTERRUPT, RESTART;

    public static Optional<Action> named(String wire) {
        return Arrays.stream(values()).filter(action -> action.wire().equals(wire)).findFirst();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Stops the running job, so the admin must confirm it with force. */
    public boolean needsForce() {
        return this == INTERRUPT;
    }
}
