package com.trulience.agents.control;

import com.trulience.platform.control.JsonP;
import com.trulience.platform.control.BackendFigures;
import com.trulience.platform.control.ClusterSignal;
import com.trulience.platform.control.ClusterSignals;
import com.trulience.security.control.AgentIdentityStore;
import com.trulience.workers.control.WorkerRegistry;
import com.trulience.workers.entity.TokenRevoked;
import com.trulience.workers.entity.WorkerWentOffline;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The agent sockets open on this node, by worker: at most one per worker. A worker's newest socket (any node's, as
 * {@code workers.connection} records) replaces its older ones, which close with 1008 {@value #REPLACED}; a socket
 * whose token no longer is the worker's closes with 1008 {@value #TOKEN_GONE}. Both are checked when a socket opens,
 * when another node signals it (topics {@value #REPLACED_TOPIC}, {@value #DISCONNECT}) and by {@link AgentSocketSweep}
 * every few seconds, which also covers a signal this node missed and half-open sockets of a worker that reconnected.
 */
@ApplicationScoped
public class AgentSessions {

    static final String DISCONNECT = "agent.disconnect";
    static final String REPLACED_TOPIC = "agent.replaced";
    public static final String REPLACED = "replaced by a newer connection of this worker";
    public static final String TOKEN_GONE = "the token was revoked or rotated";
    private static final Logger LOG = Logger.getLogger(AgentSessions.class.getName());

    @Inject
    WorkerRegistry registry;

    @Inject
    ClusterSignals cluster;

    @Inject
    Event<WorkerWentOffline> wentOffline;

    @Inject
    BackendFigures figures;

    /** By worker; a worker's set is never removed (it is its lock), so the map holds at most one entry per worker. */
    private final Map<Long, Set<Session>> open = new ConcurrentHashMap<>();

    @PostConstruct
    void registerFigures() {
        figures.register(GaugeWithCallback.builder().name("trulience_backend_agents_connected")
                .help("Workers whose agent holds a socket on this node")
                .callback(gauge -> gauge.call(open.size())));
    }

    public void opened(long workerId, Session session) {
        var sockets = socketsOf(workerId);
        List<Session> older;
        // One open at a time per worker, so that the database's newest connection is the one that stays open here.
        synchronized (sockets) {
            registry.connected(workerId, connection(session));
            older = List.copyOf(sockets);
            sockets.add(session);
        }
        older.forEach(replaced -> close(replaced, CloseReason.CloseCodes.VIOLATED_POLICY, REPLACED));
        cluster.publish(REPLACED_TOPIC, JsonP.PROVIDER.createObjectBuilder().add("worker_id", workerId).build());
        LOG.info(() -> "Agent of worker " + workerId + " connected" + (older.isEmpty() ? "" : ", replacing " + older.size() + " older socket(s)"));
    }

    public void closed(long workerId, Session session, CloseReason reason) {
        var sockets = socketsOf(workerId);
        boolean last;
        synchronized (sockets) {
            last = sockets.remove(session) && sockets.isEmpty();
        }
        String why = reason.getCloseCode().getCode() + (reason.getReasonPhrase().isEmpty() ? "" : " " + reason.getReasonPhrase());
        LOG.info(() -> "Agent of worker " + workerId + " disconnected (" + why + ")");
        // A reconnect may already have opened the next socket, here or on another node: the worker is offline only
        // when this socket was its newest.
        if (last && registry.disconnected(workerId, connection(session))) {
            wentOffline.fireAsync(new WorkerWentOffline(workerId, "connection closed: " + why));
        }
    }

    private Set<Session> socketsOf(long workerId) {
        return open.computeIfAbsent(workerId, id -> ConcurrentHashMap.newKeySet());
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
            cluster.publish(DISCONNECT, disconnect(offline.workerId(), CloseReason.CloseCodes.GOING_AWAY, offline.reason()));
            closeHere(offline.workerId(), CloseReason.CloseCodes.GOING_AWAY, offline.reason());
        }
    }

    /** In the revoking transaction, so that the other nodes hear of it only once it commits. */
    void signalRevoked(@Observes TokenRevoked revoked) {
        cluster.publish(DISCONNECT, disconnect(revoked.workerId(), CloseReason.CloseCodes.VIOLATED_POLICY, revoked.reason()));
    }

    /** After the commit: an agent that reconnects at once must find its old token refused. */
    void closeRevoked(@Observes(during = TransactionPhase.AFTER_SUCCESS) TokenRevoked revoked) {
        closeHere(revoked.workerId(), CloseReason.CloseCodes.VIOLATED_POLICY, revoked.reason());
    }

    void closeSignalled(@ObservesAsync ClusterSignal signal) {
        if (signal.is(DISCONNECT)) {
            closeHere(signal.workerId(), CloseReason.CloseCodes.getCloseCode(signal.body().getInt("code")), signal.body().getString("reason"));
        } else if (signal.is(REPLACED_TOPIC) && holds(signal.workerId())) {
            closeSuperseded(List.of(signal.workerId()));
        }
    }

    /**
     * Closes the sockets here whose token is no longer their worker's, or which are no longer their worker's newest.
     * Only sockets open before the links are read are judged, so a socket that opens meanwhile is never taken for
     * an old one.
     */
    void closeSuperseded(List<Long> workerIds) {
        var judged = new ArrayList<Map.Entry<Long, Session>>();
        workerIds.forEach(id -> open.getOrDefault(id, Set.of()).forEach(session -> judged.add(Map.entry(id, session))));
        if (judged.isEmpty()) {
            return;
        }
        var links = registry.links(workerIds);
        for (var socket : judged) {
            var link = links.get(socket.getKey());
            var session = socket.getValue();
            if (link == null || !AgentIdentityStore.tokenHash(session.getUserPrincipal().getName()).equals(link.tokenHash())) {
                close(session, CloseReason.CloseCodes.VIOLATED_POLICY, TOKEN_GONE);
            } else if (!connection(session).equals(link.connection())) {
                close(session, CloseReason.CloseCodes.VIOLATED_POLICY, REPLACED);
            }
        }
    }

    /** The workers with a socket open on this node. */
    List<Long> connectedWorkers() {
        return open.entrySet().stream().filter(entry -> !entry.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    /** Whether an agent socket of the worker is open on this node. */
    public boolean holds(long workerId) {
        return !open.getOrDefault(workerId, Set.of()).isEmpty();
    }

    /** Sends a frame to the worker's agent if it is connected to this node; false when it is not. */
    public boolean send(long workerId, String frame) {
        var sockets = open.getOrDefault(workerId, Set.of());
        sockets.forEach(session -> AgentProtocol.send(session, frame));
        return !sockets.isEmpty();
    }

    private static jakarta.json.JsonObject disconnect(long workerId, CloseReason.CloseCode code, String reason) {
        return JsonP.PROVIDER.createObjectBuilder().add("worker_id", workerId).add("code", code.getCode()).add("reason", reason).build();
    }

    private void closeHere(long workerId, CloseReason.CloseCode code, String reason) {
        for (var session : open.getOrDefault(workerId, Set.of())) {
            close(session, code, reason);
        }
    }

    /** Tyrus throws IllegalStateException for a connection that closed meanwhile: one socket never stops the others. */
    static void close(Session session, CloseReason.CloseCode code, String reason) {
        try {
            session.close(new CloseReason(code, reason));
        } catch (IOException | IllegalStateException alreadyGone) {
            LOG.fine(() -> "closing an agent socket failed: " + alreadyGone.getMessage());
        }
    }
}
