package com.trulience.restarts.control;

import com.trulience.restarts.entity.RestartChanged;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A restart command not acknowledged within {@code restart.ack.timeout.seconds} (30) fails as "agent unreachable";
 * one without a status for {@code restart.stale.minutes} (30, longer than the agent's longest wait plus verify)
 * fails as abandoned, so that the worker can be restarted again. The same tick sends the commands that no node has
 * sent yet to agents connected here ({@link RestartDispatch}).
 */
// Its schedule may fire before the deployment finished (WildFly starts timers at once): not before the schema is migrated.
@DependsOn("DatabaseMigration")
@Singleton
public class RestartTimeouts {

    private static final Logger LOG = Logger.getLogger(RestartTimeouts.class.getName());

    @Inject
    RestartLogs logs;

    @Inject
    RestartDispatch dispatch;

    @Inject
    Event<RestartChanged> changed;

    @Inject
    @ConfigProperty(name = "restart.ack.timeout.seconds", defaultValue = "30")
    int ackSeconds;

    @Inject
    @ConfigProperty(name = "restart.stale.minutes", defaultValue = "30")
    int staleMinutes;

    @Schedule(hour = "*", minute = "*", second = "*/2", persistent = false)
    void failOverdue() {
        for (var failed : logs.failOverdue(ackSeconds, staleMinutes)) {
            LOG.warning(() -> "Restart " + failed.restartId() + " of worker " + failed.workerId() + " failed: " + failed.errorMessage());
            changed.fireAsync(failed);
        }
        // after failing the overdue ones, so that a command is never sent and failed in the same breath
        dispatch.dispatchMissed();
    }
}
