package com.trulience.alerts.control;

import com.trulience.alerts.entity.Severity;
import java.time.Instant;

/** The state of an open alert that evaluation needs; id null while it is being opened by this evaluation. */
public record OpenAlert(AlertKey key, Long id, Severity severity, Instant openedAt, Instant lastNotifiedAt, int recoveringSamples) {

    OpenAlert notified(Severity severity, Instant at) {
        return new OpenAlert(key, id, severity, openedAt, at, 0);
    }

    OpenAlert recovering(int samples) {
        return new OpenAlert(key, id, severity, openedAt, lastNotifiedAt, samples);
    }
}
