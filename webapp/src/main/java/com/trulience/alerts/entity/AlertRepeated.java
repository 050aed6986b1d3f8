package com.trulience.alerts.entity;

/** An alert is still open and its cooldown has passed: a reminder, like Alertmanager's repeat interval. */
public record AlertRepeated(AlertNotice notice) implements AlertTransition {

    @Override
    public String kind() {
        return "repeated";
    }
}
