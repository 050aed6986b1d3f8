package com.trulience.agent.restart;

/**
 * The operating system's service manager: the one seam of a restart, because systemd and the Windows Service
 * Control Manager cannot run in tests (and {@code SIMULATE_SERVICES} replaces them in demos).
 */
public interface ServiceControl {

    /** Stops and starts the service; returns once the manager has done both. */
    void restart(ServiceName service);

    /** Whether the manager reports the service as running now. */
    boolean active(ServiceName service);

    /** The manager refused or failed; the message is meant for the restart log. */
    final class Failed extends RuntimeException {
        public Failed(String message) {
            super(message);
        }
    }
}
