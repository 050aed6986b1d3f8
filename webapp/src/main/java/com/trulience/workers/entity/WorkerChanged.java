package com.trulience.workers.entity;

/**
 * What the workers table says of the worker changed outside the ingestion path (registered, its agent's hello).
 * Fired synchronously inside the change's transaction: observers that read the database observe it after success.
 */
public record WorkerChanged(long workerId) {
}
