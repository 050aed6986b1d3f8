/**
 * Workers: registering them, their agent tokens (issue, rotate, revoke), what their agents announced, and
 * liveness (online, last seen, the silent-worker timer), and a worker's own settings (auto_free_memory). Knows nothing of sockets or frames; tells the agents
 * component through events ({@code TokenRevoked}, {@code WorkerWentOffline}).
 */
package com.trulience.workers;
