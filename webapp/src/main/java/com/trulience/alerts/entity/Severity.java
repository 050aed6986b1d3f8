package com.trulience.alerts.entity;

import java.util.Arrays;

/** How bad an alert is; {@link #wire} is the word in the database, the API, webhooks and Alertmanager's label. */
public enum Severity {
    WARNING("warning"), CRITICAL("critical");

    private final String wire;

    Severity(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Severity of(String wire) {
        return Arrays.stream(values()).filter(severity -> severity.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a severity: " + wire));
    }
}
