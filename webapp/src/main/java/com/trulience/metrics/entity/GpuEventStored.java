package com.trulience.metrics.entity;

/** Fired after a new event was committed (a replay of a stored one fires nothing): alerting observes it. */
public record GpuEventStored(GpuEvent event) {
}
