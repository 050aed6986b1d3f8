package com.trulience.agents.control;

import com.trulience.platform.control.BackendFigures;
import com.trulience.platform.control.ClusterSignal;
import com.trulience.platform.control.ClusterSignals;
import com.trulience.workers.control.WorkerRegistry;
import com.trulience.workers.entity.TokenRevoked;
import com.trulience.workers.entity.WorkerWentOffline;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The agent sockets open on this node, by worker. Closing a worker's sockets reaches the other backend nodes too
 * (topic {@value #DISCONNECT}), since its agent may be connected to any of them.
 */
@ApplicationScoped
public class AgentSessions {

    static final String DISCONNECT = "agent.disconnect";
    private static final Logger LOG = Logger.getLogger(AgentSessions.class.getName());

    @Inject
    WorkerRegistry registry;

    @Inject
    ClusterSignals cluster;

    @Inject
    Event<WorkerWentOffline> wentOffline;

    @Inject
    BackendFigures figures;

    private final Map<Long, Set<Session>> open = new ConcurrentHashMap<>();

    @PostConstruct
    void registerFigures() {
        figures.register(GaugeWithCallback.builder().name("trulience_backend_agents_connected")
                .help("Workers whose agent holds a socket on this node")
                .callback(gauge -> gauge.call(open.size())));
    }

    public void opened(long workerId, Session session) {
        open.computeIfAbsent(workerId, id -> ConcurrentHashMap.newKeySet()).add(session);
        registry.connected(workerId, connection(session));
        LOG.info(() -> "Agent of worker " + workerId + " connected");
    }

    public void closed(long workerId, Session session, CloseReason reason) {
        var remaining = open.computeIfPresent(workerId, (id, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
        String why = reason.getCloseCode().getCode() + (reason.getReasonPhrase().isEmpty() ? "" : " " + reason.getReasonPhrase());
        LOG.info(() -> "Agent of worker " + workerId + " disconnected (" + why + ")");
        // A reconnect may already have opened the next socket, here or on another node: the worker is offline only
        // when this socket was its newest.
        if (remaining == null && registry.disconnected(workerId, connection(session))) {
            wentOffline.fireAsync(new WorkerWentOffline(workerId, "connection closed: " + why));
        }
    }

    private String connection(Session session) {
        return cluster.node() + "/" + session.getId();
    }

    /**
     * A silent agent's socket is dead or hung: close it so that the agent, if alive, reconnects. Only the node whose
     * timer marked the worker offline gets this event; the socket may be on another one.
     */
    void closeSilent(@ObservesAsync WorkerWentOffline offline) {
        if (offline.reason().equals(WorkerWentOffline.SILENT)) {
            disconnectEverywhere(offline.workerId(), CloseReason.CloseCodes.GOING_AWAY, offline.reason());
        }
    }

    /** In the revoking transaction: the other nodes close their sockets once it commits. */
    void closeRevoked(@Observes TokenRevoked revoked) {
        disconnectEverywhere(revoked.workerId(), CloseReason.CloseCodes.VIOLATED_POLICY, revoked.reason());
    }

    void closeSignalled(@ObservesAsync ClusterSignal signal) {
        if (signal.is(DISCONNECT)) {
            closeHere(signal.workerId(), CloseReason.CloseCodes.getCloseCode(signal.body().getInt("code")), signal.body().getString("reason"));
        }
    }

    /** Whether an agent socket of the worker is open on this node. */
    public boolean holds(long workerId) {
        return open.containsKey(workerId);
    }

    /** Sends a frame to the worker's agent if it is connected to this node; false when it is not. */
    public boolean send(long workerId, String frame) {
        var sockets = open.getOrDefault(workerId, Set.of());
        sockets.forEach(session -> AgentProtocol.send(session, frame));
        return !sockets.isEmpty();
    }

    /** Closes every socket of the worker, on this node now and on the others once the caller's transaction commits. */
    private void disconnectEverywhere(long workerId, CloseReason.CloseCode code, String reason) {
        cluster.publish(DISCONNECT, Json.createObjectBuilder().add("worker_id", workerId).add("code", code.getCode())
                .add("reason", reason).build());
        closeHere(workerId, code, reason);
    }

    private void closeHere(long workerId, CloseReason.CloseCode code, String reason) {
        for (var session : open.getOrDefault(workerId, Set.of())) {
            close(session, code, reason);
        }
    }

    static void close(Session session, CloseReason.CloseCode code, String reason) {
        try {
            session.close(new CloseReason(code, reason));
        } catch (IOException alreadyGone) {
            LOG.fine(() -> "closing an agent socket failed: " + alreadyGone.getMessage());
        }
    }
}
