package com.trulience.agents.control;

import com.trulience.restarts.control.RestartLogs;
import com.trulience.restarts.entity.RestartCommand;
import com.trulience.restarts.entity.RestartDue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.util.logging.Logger;

/** Sends due restart commands to the agents connected to this node, as the protocol's {@code restart} frame. */
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
                LOG.fine(() -> "Sent a restart command to the agent of worker " + workerId + ": " + frame);
            });
        }
    }

    static String frame(RestartCommand command) {
        var json = Json.createObjectBuilder().add("type", "restart").add("restart_id", command.restartId())
                .add("service_name", command.serviceName()).add("force", command.force());
        if (command.reason() == null) {
            json.addNull("reason");
        } else {
            json.add("reason", command.reason());
        }
        return json.build().toString();
    }
}
