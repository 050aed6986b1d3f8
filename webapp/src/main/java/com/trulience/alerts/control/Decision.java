package com.trulience.alerts.control;

import com.trulience.alerts.entity.Severity;
import java.time.Instant;

/** One change that evaluation decided for one alert; those of kind RAISE to RESOLVE are notified. */
public record Decision(Kind kind, AlertKey key, Severity severity, Double value, Integer thresholdValue, String message,
                       Instant at, int recoveringSamples) {

    public enum Kind {
        RAISE, ESCALATE, REPEAT, RESOLVE,
        /** Only the count of consecutive recovering samples changed: stored, not notified. */
        RECOVERING
    }

    public boolean notifies() {
        return kind != Kind.RECOVERING;
    }
}
