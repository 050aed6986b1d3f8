package com.trulience.dashboard.boundary;

import com.trulience.dashboard.control.FleetView;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Open dashboards listen here for the fleet's changes: each message is one version's delta (FleetJson), the same
 * text for every listener. The hardware pages take any message as "re-read"; the fleet page patches its tiles.
 * The first message is the fleet's version as the socket joined ({@code {"current":N}}): a page drawn from an older
 * version missed a push between its render and its socket, or while its socket was down, and re-reads.
 * At most one message is in flight per listener and at most one waits behind it, the newest: a listener still
 * receiving replaces what waits, so a slow socket never builds a backlog, yet always gets the newest message in the
 * end (a fleet page then sees the gap in the versions and reads the whole document; a cards page re-reads). Dropping
 * the newest instead would leave a quiet fleet's last change unseen until the next one.
 * Under /admin/ so that web.xml lets only signed-in admins and viewers open it. A plain endpoint rather than
 * f:websocket: enabling Faces' push endpoint on this Payara un-deploys the agents' /ws/metrics endpoint.
 */
@ServerEndpoint("/admin/push/fleet")
public class FleetSocket {

    private static final Set<Session> LISTENERS = ConcurrentHashMap.newKeySet();
    private static final String OUTBOX = "trulience.outbox";
    private static final Logger LOG = Logger.getLogger(FleetSocket.class.getName());

    @Inject
    FleetView view;

    @OnOpen
    public void open(Session session) {
        var outbox = new Outbox(session);
        session.getUserProperties().put(OUTBOX, outbox);
        LISTENERS.add(session);
        // Read after joining: a push built before this read is covered by the version, any later one reaches the socket.
        try {
            outbox.offer(view.greeting());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not tell a new dashboard socket the fleet's version; it waits for the next push", e);
        }
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
            if (session.isOpen() && session.getUserProperties().get(OUTBOX) instanceof Outbox outbox) {
                outbox.offer(message);
            }
        }
    }

    /** One listener's message in flight and the newest one waiting behind it. */
    private static final class Outbox {

        private final Session session;
        private boolean sending;
        private String waiting;

        Outbox(Session session) {
            this.session = session;
        }

        synchronized void offer(String message) {
            if (sending) {
                waiting = message;
                return;
            }
            sending = true;
            send(message);
        }

        private void sent() {
            String next;
            synchronized (this) {
                next = waiting;
                waiting = null;
                sending = next != null && session.isOpen();
                if (!sending) {
                    return;
                }
            }
            send(next);
        }

        private void send(String message) {
            try {
                session.getAsyncRemote().sendText(message, result -> sent());
            } catch (IllegalStateException closedMeanwhile) {
                synchronized (this) {
                    sending = false;
                    waiting = null;
                }
            }
        }
    }
}
