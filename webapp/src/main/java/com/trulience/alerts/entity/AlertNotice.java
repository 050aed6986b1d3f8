package com.trulience.alerts.entity;

import java.time.Instant;

/** What a notification says about one alert at one transition; {@code at} is when the transition happened. */
public record AlertNotice(long alertId, long workerId, String workerName, Integer gpuIndex, String metricName,
                          Severity severity, Double value, Integer thresholdValue, String message, Instant openedAt, Instant at) {
}
