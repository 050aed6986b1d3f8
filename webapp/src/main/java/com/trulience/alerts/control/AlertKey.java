package com.trulience.alerts.control;

/** What one open alert is about: gpuIndex null for a condition of the whole worker. */
public record AlertKey(long workerId, Integer gpuIndex, String metricName) {
}
