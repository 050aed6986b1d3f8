package com.trulience.agents.boundary;

import com.trulience.agents.control.AgentProtocol;
import com.trulience.agents.control.AgentSessions;
import com.trulience.security.control.AgentIdentityStore;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where agents connect. The handshake was authenticated by the token (see AuthenticationMechanism), so the
 * caller is the worker; frames over 64 KiB close the socket with 1009.
 */
@ServerEndpoint("/ws/metrics")
public class AgentSocket {

    static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final Logger LOG = Logger.getLogger(AgentSocket.class.getName());

    @Inject
    AgentProtocol protocol;

    @Inject
    AgentSessions sessions;

    @OnOpen
    public void open(Session session) {
        session.setMaxTextMessageBufferSize(MAX_FRAME_BYTES);
        // Silence is detected by the liveness timer (3 of the agent's intervals), which then closes the socket, not
        // by Tyrus' idle timer. Beware: Payara 6's Tyrus (2.1.5.payara-p2) still schedules that timer on every frame
        // with no timeout, a managed task whose context capture runs a ServiceLoader scan of every jar (JFR: a quarter
        // of the backend's samples under a token flood); an application cannot switch it off.
        session.setMaxIdleTimeout(0);
        sessions.opened(workerId(session), session);
    }

    @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
    public void message(String text, Session session) {
        protocol.handle(workerId(session), text, session);
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        sessions.closed(workerId(session), session, reason);
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "agent socket error", error);
    }

    private static long workerId(Session session) {
        return AgentIdentityStore.workerId(session.getUserPrincipal().getName());
    }
}
