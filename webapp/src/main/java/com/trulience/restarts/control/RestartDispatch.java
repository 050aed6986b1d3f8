package com.trulience.restarts.control;

import com.trulience.platform.control.ClusterSignal;
import com.trulience.restarts.entity.RestartDue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;

/**
 * Gets an initiated restart's command to its agent once, through whichever backend node holds the agent's socket:
 * the requesting node tries first, the others when they hear of the commit (topic {@value #TOPIC}), and every node
 * looks again every 2 s for a command nobody sent (a signal missed while its LISTEN connection was down, an agent
 * that connected just after the request). Each try is a {@link RestartDue}; the agents component sends the
 * command where it holds the socket, and restart_logs.dispatched_at decides who sends.
 */
@ApplicationScoped
public class RestartDispatch {

    static final String TOPIC = "restart.initiated";

    @Inject
    RestartLogs logs;

    @Inject
    Event<RestartDue> due;

    void signalled(@ObservesAsync ClusterSignal signal) {
        if (signal.is(TOPIC)) {
            dispatch(signal.workerId());
        }
    }

    /** Sends the worker's unsent restart command if its agent is connected to this node. */
    public void dispatch(long workerId) {
        due.fire(new RestartDue(workerId));
    }

    void dispatchMissed() {
        logs.undispatched().forEach(this::dispatch);
    }
}
