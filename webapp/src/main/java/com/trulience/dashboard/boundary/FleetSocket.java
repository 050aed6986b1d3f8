package com.trulience.dashboard.boundary;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open hardware pages listen here for "changed"; the message carries no data, the page re-reads the fleet through
 * its own view. Under /admin/ so that web.xml lets only signed-in admins and viewers open it. A plain endpoint
 * rather than f:websocket: enabling Faces' push endpoint on this Payara un-deploys the agents' /ws/metrics endpoint.
 */
@ServerEndpoint("/admin/push/fleet")
public class FleetSocket {

    private static final Set<Session> LISTENERS = ConcurrentHashMap.newKeySet();

    @OnOpen
    public void open(Session session) {
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

    public static void broadcast(String message) {
        for (var session : LISTENERS) {
            if (session.isOpen()) {
                session.getAsyncRemote().sendText(message);
            }
        }
    }
}
