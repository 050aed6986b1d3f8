package com.trulience.agent.restart;

import java.util.List;

/**
 * The backend's {@code action} frame as received ({@code free_memory} or {@code interrupt}); {@code action} and
 * {@code serviceName} are untrusted text (null when missing) that {@link Restarter} checks before anything is done.
 */
public record ActionCommand(long actionId, String action, String serviceName, boolean force, String reason) {

    public static final String FREE_MEMORY = "free_memory";
    public static final String INTERRUPT = "interrupt";
    public static final String RESTART = "restart";
    /** Every action ALLOWED_ACTIONS may name; a restart travels in its own {@code restart} frame. */
    public static final List<String> KNOWN = List.of(FREE_MEMORY, INTERRUPT, RESTART);
}
