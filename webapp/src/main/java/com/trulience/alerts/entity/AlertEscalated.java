package com.trulience.alerts.entity;

/** An open warning alert reached the critical level. */
public record AlertEscalated(AlertNotice notice) implements AlertTransition {

    @Override
    public String kind() {
        return "escalated";
    }
}
