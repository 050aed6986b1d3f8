package com.trulience.alerts.entity;

/** The condition has been back to normal long enough and the alert closed. */
public record AlertResolved(AlertNotice notice) implements AlertTransition {

    @Override
    public String kind() {
        return "resolved";
    }
}
