package com.trulience.agents.control;

import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

/**
 * Every few seconds, each node re-checks its agent sockets against the database: a token revoked or rotated, or a
 * newer socket of the same worker, closes them even when this node missed the other node's signal (its LISTEN
 * connection was down), and a half-open socket left behind by an agent that reconnected does not stay open forever.
 * One query per tick for all of this node's workers; the token check is a string compare of SHA-256 hashes.
 */
// Its schedule may fire before the deployment finished (WildFly starts timers at once): not before the schema is migrated.
@DependsOn("DatabaseMigration")
@Singleton
public class AgentSocketSweep {

    @Inject
    AgentSessions sessions;

    @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
    void sweep() {
        var workers = sessions.connectedWorkers();
        if (!workers.isEmpty()) {
            sessions.closeSuperseded(workers);
        }
    }
}
