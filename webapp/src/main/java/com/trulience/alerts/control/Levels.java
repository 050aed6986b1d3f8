package com.trulience.alerts.control;

/** A metric's effective warning and critical levels for one worker; disabled switches the metric off. */
public record Levels(String metricName, int warning, int critical, boolean enabled, boolean overridden) {
}
