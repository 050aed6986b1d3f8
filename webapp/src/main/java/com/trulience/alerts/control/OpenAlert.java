package com.trulience.alerts.control;

import java.time.Instant;

/** The state of an open alert that evaluation needs; id null while it is being opened by this evaluation. */
public record OpenAlert(AlertKey key, Long id, String severity, Instant openedAt, Instant lastNotifiedAt, int recoveringSamples) {

    OpenAlert notified(String severity, Instant at) {
        return new OpenAlert(key, id, severity, openedAt, at, 0);
    }

    OpenAlert recovering(int samples) {
        return new OpenAlert(key, id, severity, openedAt, lastNotifiedAt, samples);
    }
}
