package com.trulience.agents.control;

import com.trulience.workers.control.WorkerRegistry;
import com.trulience.workers.entity.WorkerWentOffline;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/** The agent sockets open on this node, by worker. */
@ApplicationScoped
public class AgentSessions {

    private static final Logger LOG = Logger.getLogger(AgentSessions.class.getName());

    @Inject
    WorkerRegistry registry;

    @Inject
    Event<WorkerWentOffline> wentOffline;

    private final Map<Long, Set<Session>> open = new ConcurrentHashMap<>();

    public void opened(long workerId, Session session) {
        open.computeIfAbsent(workerId, id -> ConcurrentHashMap.newKeySet()).add(session);
        LOG.info(() -> "Agent of worker " + workerId + " connected");
    }

    public void closed(long workerId, Session session, CloseReason reason) {
        var remaining = open.computeIfPresent(workerId, (id, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
        String why = reason.getCloseCode().getCode() + (reason.getReasonPhrase().isEmpty() ? "" : " " + reason.getReasonPhrase());
        LOG.info(() -> "Agent of worker " + workerId + " disconnected (" + why + ")");
        // A reconnect may already have opened the next socket: the worker is offline only without one.
        if (remaining == null && registry.disconnected(workerId)) {
            wentOffline.fireAsync(new WorkerWentOffline(workerId, "connection closed: " + why));
        }
    }

    /** A silent agent's socket is dead or hung: close it so that the agent, if alive, reconnects. */
    void closeSilent(@ObservesAsync WorkerWentOffline offline) {
        if (offline.reason().equals(WorkerWentOffline.SILENT)) {
            for (var session : open.getOrDefault(offline.workerId(), Set.of())) {
                close(session, CloseReason.CloseCodes.GOING_AWAY, offline.reason());
            }
        }
    }

    /**
     * Sends a frame to the worker's agent if it is connected to this node; false when it is not. With several
     * backend nodes the agent may hold its socket on another one: that case is the [scale-out] issue's.
     */
    public boolean send(long workerId, String frame) {
        var sockets = open.getOrDefault(workerId, Set.of());
        sockets.forEach(session -> AgentProtocol.send(session, frame));
        return !sockets.isEmpty();
    }

    /** Closes every socket of the worker on this node, e.g. after its token was revoked. */
    public void disconnect(long workerId, String reason) {
        for (var session : open.getOrDefault(workerId, Set.of())) {
            close(session, CloseReason.CloseCodes.VIOLATED_POLICY, reason);
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
