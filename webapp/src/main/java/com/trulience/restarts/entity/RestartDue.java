package com.trulience.restarts.entity;

/**
 * The worker may have an initiated restart whose command no node has sent: the node holding its agent's socket
 * should claim and send it now. Fired synchronously; whoever holds no socket of the worker ignores it.
 */
public record RestartDue(long workerId) {
}
