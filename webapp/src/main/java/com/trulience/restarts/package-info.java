/**
 * Service restarts: the request and its checks, the audit log with its allowed steps, timeouts, and when a command
 * is due. Sending it is the agents component's, which observes {@code RestartDue}.
 */
package com.trulience.restarts;
