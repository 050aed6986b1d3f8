package com.trulience.restarts.control;

import com.trulience.agents.control.AgentSessions;
import com.trulience.platform.control.ClusterSignal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Gets an initiated restart's command to its agent once, through whichever backend node holds the agent's socket:
 * the requesting node tries first, the others when they hear of the commit (topic {@value #TOPIC}), and every node
 * looks again every 2 s for a command nobody sent (a signal missed while its LISTEN connection was down, an agent
 * that connected just after the request). restart_logs.dispatched_at decides who sends.
 */
@ApplicationScoped
public class RestartDispatch {

    static final String TOPIC = "restart.initiated";
    private static final Logger LOG = Logger.getLogger(RestartDispatch.class.getName());

    @Inject
    RestartLogs logs;

    @Inject
    AgentSessions sessions;

    void signalled(@ObservesAsync ClusterSignal signal) {
        if (signal.is(TOPIC)) {
            dispatch(signal.workerId());
        }
    }

    /** Sends the worker's unsent restart command if its agent is connected to this node. */
    public void dispatch(long workerId) {
        if (sessions.holds(workerId)) {
            logs.claimCommand(workerId).ifPresent(command -> {
                sessions.send(workerId, command);
                LOG.fine(() -> "Sent a restart command to the agent of worker " + workerId + ": " + command);
            });
        }
    }

    void dispatchMissed() {
        logs.undispatched().stream().filter(sessions::holds).forEach(this::dispatch);
    }
}
