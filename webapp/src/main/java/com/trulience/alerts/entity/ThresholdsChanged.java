package com.trulience.alerts.entity;

/**
 * Levels changed (globally when workerId is null, else the worker's own), fired inside the changing transaction:
 * observe it {@code during = AFTER_SUCCESS}, as views that show levels do.
 */
public record ThresholdsChanged(Long workerId) {
}
