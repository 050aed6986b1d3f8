package com.trulience.alerts.entity;

/**
 * An alert changed in a way that someone should hear about, fired asynchronously after the change was committed.
 * Observe this type for every transition, or one of the records for one kind.
 */
public sealed interface AlertTransition permits AlertRaised, AlertEscalated, AlertRepeated, AlertResolved {

    AlertNotice notice();

    /** raised, escalated, repeated or resolved. */
    String kind();
}
