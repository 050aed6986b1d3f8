package com.trulience.agents.control;

import com.trulience.platform.control.JsonP;
import com.trulience.restarts.control.RestartLogs;
import com.trulience.restarts.entity.Action;
import com.trulience.restarts.entity.RestartCommand;
import com.trulience.restarts.entity.RestartDue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/** Sends due restart and action commands to the agents connected to this node ({@code restart} and {@code action} frames). */
@ApplicationScoped
public class RestartCommands {

    private static final Logger LOG = Logger.getLogger(RestartCommands.class.getName());

    @Inject
    AgentSessions sessions;

    @Inject
    RestartLogs logs;

    /** Claims the command only where the socket is, so that a node without it never marks it sent. */
    void send(@Observes RestartDue due) {
        long workerId = due.workerId();
        if (sessions.holds(workerId)) {
            logs.claimCommand(workerId).ifPresent(command -> {
                String frame = frame(command);
                sessions.send(workerId, frame);
                LOG.fine(() -> "Sent a command to the agent of worker " + workerId + ": " + frame);
            });
        }
    }

    /** A restart keeps its own frame, so that an older agent still understands it; the other actions are {@code action}. */
    static String frame(RestartCommand command) {
        var json = command.action() == Action.RESTART
                ? JsonP.PROVIDER.createObjectBuilder().add("type", "restart").add("restart_id", command.restartId())
                : JsonP.PROVIDER.createObjectBuilder().add("type", "action").add("action_id", command.restartId())
                        .add("action", command.action().wire());
        json.add("service_name", command.serviceName()).add("force", command.force());
        if (command.reason() == null) {
            json.addNull("reason");
        } else {
            json.add("reason", command.reason());
        }
        return json.build().toString();
    }
}
