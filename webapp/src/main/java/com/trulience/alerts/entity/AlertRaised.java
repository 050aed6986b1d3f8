package com.trulience.alerts.entity;

/** A condition went beyond its warning or critical level and an alert opened. */
public record AlertRaised(AlertNotice notice) implements AlertTransition {

    @Override
    public String kind() {
        return "raised";
    }
}
