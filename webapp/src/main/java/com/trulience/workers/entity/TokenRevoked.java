package com.trulience.workers.entity;

/**
 * The worker's agent token no longer holds (rotated or revoked): sockets opened with it must close. Fired
 * synchronously inside the change's transaction, so that the other nodes hear of it when it commits.
 */
public record TokenRevoked(long workerId, String reason) {
}
