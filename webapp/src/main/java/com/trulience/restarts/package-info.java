/**
 * Service restarts and the remediation actions beside them (free_memory, interrupt; the opt-in automatic free_memory
 * of AutoFreeMemory): the request and its checks, the one audit log with its allowed steps, timeouts, and when a
 * command is due. Sending it is the agents component's, which observes {@code RestartDue}.
 */
package com.trulience.restarts;
