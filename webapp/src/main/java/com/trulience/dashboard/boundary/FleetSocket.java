package com.trulience.dashboard.boundary;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Open dashboards listen here for the fleet's changes: each message is one version's delta (FleetJson), the same
 * text for every listener. The hardware pages take any message as "re-read"; the fleet page patches its tiles.
 * At most one message is in flight per listener: a listener still receiving the previous one misses the next, sees
 * the gap in the versions and reads the whole document, so a slow socket never builds a backlog.
 * Under /admin/ so that web.xml lets only signed-in admins and viewers open it. A plain endpoint rather than
 * f:websocket: enabling Faces' push endpoint on this Payara un-deploys the agents' /ws/metrics endpoint.
 */
@ServerEndpoint("/admin/push/fleet")
public class FleetSocket {

    private static final Set<Session> LISTENERS = ConcurrentHashMap.newKeySet();
    private static final String SENDING = "trulience.sending";

    @OnOpen
    public void open(Session session) {
        session.getUserProperties().put(SENDING, new AtomicBoolean());
        LISTENERS.add(session);
    }

    @OnClose
    public void close(Session session) {
        LISTENERS.remove(session);
    }

    @OnError
    public void error(Session session, Throwable error) {
        LISTENERS.remove(session);
    }

    static boolean anyListening() {
        return !LISTENERS.isEmpty();
    }

    static void broadcast(String message) {
        for (var session : LISTENERS) {
            var sending = (AtomicBoolean) session.getUserProperties().get(SENDING);
            if (session.isOpen() && sending != null && sending.compareAndSet(false, true)) {
                try {
                    session.getAsyncRemote().sendText(message, result -> sending.set(false));
                } catch (IllegalStateException closedMeanwhile) {
                    sending.set(false);
                }
            }
        }
    }
}
