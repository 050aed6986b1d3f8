package com.trulience.alerts.control;

import com.trulience.alerts.entity.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One evaluation's run through the alert lifecycle, shared by the threshold, built-in and health rules: the open
 * alerts as they stand after each step and the decisions so far. A bad condition raises or escalates at once and
 * repeats once per cooldown; a clear one resolves after {@link AlertSettings#RESOLVING_SAMPLES} in a row.
 */
final class Lifecycle {

    enum Condition { CRITICAL, WARNING, HOLD, CLEAR }

    final Map<AlertKey, OpenAlert> open;
    final List<Decision> decisions = new ArrayList<>();
    private final Duration cooldown;

    Lifecycle(Map<AlertKey, OpenAlert> openBefore, Duration cooldown) {
        this.open = new HashMap<>(openBefore);
        this.cooldown = cooldown;
    }

    /** message is built only for a decision: evaluation runs for every sample, decisions are rare. */
    void step(AlertKey key, Condition condition, Double value, Integer level, Supplier<String> message, Instant at) {
        var alert = open.get(key);
        if (alert == null) {
            if (condition == Condition.CRITICAL || condition == Condition.WARNING) {
                Severity severity = condition == Condition.CRITICAL ? Severity.CRITICAL : Severity.WARNING;
                decisions.add(new Decision(Decision.Kind.RAISE, key, severity, value, level, message.get(), at, 0));
                open.put(key, new OpenAlert(key, null, severity, at, at, 0));
            }
            return;
        }
        switch (condition) {
            case CRITICAL, WARNING -> {
                if (condition == Condition.CRITICAL && alert.severity() == Severity.WARNING) {
                    decisions.add(new Decision(Decision.Kind.ESCALATE, key, Severity.CRITICAL, value, level, message.get(), at, 0));
                    open.put(key, alert.notified(Severity.CRITICAL, at));
                } else if (!at.isBefore(alert.lastNotifiedAt().plus(cooldown))) {
                    decisions.add(new Decision(Decision.Kind.REPEAT, key, alert.severity(), value, level, "still: " + message.get(), at, 0));
                    open.put(key, alert.notified(alert.severity(), at));
                } else {
                    resetRecovery(alert, value, at);
                }
            }
            case HOLD -> resetRecovery(alert, value, at);
            case CLEAR -> {
                int samples = alert.recoveringSamples() + 1;
                if (samples >= AlertSettings.RESOLVING_SAMPLES) {
                    decisions.add(new Decision(Decision.Kind.RESOLVE, key, alert.severity(), value, level,
                            "resolved: " + message.get(), at, samples));
                    open.remove(key);
                } else {
                    decisions.add(new Decision(Decision.Kind.RECOVERING, key, alert.severity(), value, level, null, at, samples));
                    open.put(key, alert.recovering(samples));
                }
            }
        }
    }

    /** Resolves an open alert at once: for conditions that end by time, not by a number of samples. */
    void resolve(AlertKey key, String message, Instant at) {
        var alert = open.remove(key);
        if (alert != null) {
            decisions.add(new Decision(Decision.Kind.RESOLVE, key, alert.severity(), null, null, "resolved: " + message, at, 0));
        }
    }

    /** A value back at or above the resolving level breaks a streak of recovering samples. */
    private void resetRecovery(OpenAlert alert, Double value, Instant at) {
        if (alert.recoveringSamples() > 0) {
            decisions.add(new Decision(Decision.Kind.RECOVERING, alert.key(), alert.severity(), value, null, null, at, 0));
            open.put(alert.key(), alert.recovering(0));
        }
    }
}
