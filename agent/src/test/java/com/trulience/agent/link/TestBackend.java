package com.trulience.agent.link;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.glassfish.tyrus.server.Server;

/**
 * A real WebSocket server (Tyrus on Grizzly) that answers like the backend's /ws/metrics: acks a
 * batch after "storing" it, keeps one row set per seq (a replay is not stored twice, as the
 * backend ignores a replayed sample), and can be stopped and started again on the same port.
 */
public final class TestBackend implements AutoCloseable {

    private static volatile TestBackend current;

    private final int port;
    private Server server;
    /** What to answer a batch with (null: nothing); by default an ack. */
    public volatile Function<JsonObject, String> answer = batch -> ack(batch.getJsonNumber("seq").longValue());
    private final List<String> messages = new ArrayList<>();
    private final List<String> batches = new ArrayList<>();
    private final TreeMap<Long, String> stored = new TreeMap<>();
    private final List<Long> storeOrder = new ArrayList<>();
    private final List<Map<String, List<String>>> handshakes = new ArrayList<>();
    private final List<Long> handshakeTimes = new ArrayList<>();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private int resentAfterAck;
    private final List<Integer> agentCloseCodes = new ArrayList<>();

    private TestBackend(int port) {
        this.port = port;
    }

    public static TestBackend start() {
        try (var socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            var backend = new TestBackend(socket.getLocalPort());
            socket.close();
            backend.startAgain();
            return backend;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String ack(long seq) {
        return "{\"type\":\"ack\",\"seq\":" + seq + "}";
    }

    public URI url() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/metrics");
    }

    public synchronized void startAgain() {
        current = this;
        server = new Server("127.0.0.1", port, "/", Map.of(), Endpoint.class);
        try {
            server.start();
        } catch (DeploymentException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Like a backend going down: the sockets break, nothing answers until {@link #startAgain}. */
    public synchronized void stop() {
        server.stop();
        sessions.clear();
    }

    @Override
    public void close() {
        stop();
    }

    public void sendToAgents(String text) {
        for (Session session : sessions) {
            session.getAsyncRemote().sendText(text);
        }
    }

    public void closeAgents(int code, String reason) throws IOException {
        for (Session session : sessions) {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        }
    }

    public synchronized List<String> messages() {
        return List.copyOf(messages);
    }

    /** Every batch as received, replays included. */
    public synchronized List<String> batches() {
        return List.copyOf(batches);
    }

    public synchronized TreeMap<Long, String> stored() {
        return new TreeMap<>(stored);
    }

    /** Seqs in the order they were first stored. */
    public synchronized List<Long> storeOrder() {
        return List.copyOf(storeOrder);
    }

    /** Batches received again after they had been stored and acknowledged. */
    public synchronized int resentAfterAck() {
        return resentAfterAck;
    }

    public synchronized List<Map<String, List<String>>> handshakes() {
        return List.copyOf(handshakes);
    }

    /** System.nanoTime() of each handshake. */
    public synchronized List<Long> handshakeTimes() {
        return List.copyOf(handshakeTimes);
    }

    /** The close codes of the agents' sockets, as their close frames said, in order. */
    public synchronized List<Integer> agentCloseCodes() {
        return List.copyOf(agentCloseCodes);
    }

    private synchronized void agentClosed(int code) {
        agentCloseCodes.add(code);
    }

    public synchronized int connections() {
        return handshakes.size();
    }

    private synchronized String received(String text) {
        messages.add(text);
        JsonObject json = Json.createReader(new StringReader(text)).readObject();
        if (!"gpu_metrics".equals(json.getString("type"))) {
            return null;
        }
        batches.add(text);
        String reply = answer.apply(json);
        if (reply != null && reply.startsWith("{\"type\":\"ack\"")) {
            long seq = json.getJsonNumber("seq").longValue();
            if (stored.putIfAbsent(seq, text) == null) {
                storeOrder.add(seq);
            } else {
                resentAfterAck++;
            }
        }
        return reply;
    }

    private synchronized void handshake(Map<String, List<String>> headers) {
        handshakes.add(headers);
        handshakeTimes.add(System.nanoTime());
    }

    /** Tyrus makes one per connection: the state lives in the backend. */
    @ServerEndpoint(value = "/ws/metrics", configurator = Handshake.class)
    public static final class Endpoint {

        @OnOpen
        public void open(Session session) {
            current.sessions.add(session);
        }

        @OnClose
        public void close(Session session, CloseReason reason) {
            current.agentClosed(reason.getCloseCode().getCode());
        }

        @OnMessage
        public void message(String text, Session session) {
            String reply = current.received(text);
            if (reply != null && reply.startsWith("close ")) {
                String[] parts = reply.split(" ", 3);
                try {
                    session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(Integer.parseInt(parts[1])), parts[2]));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (reply != null) {
                session.getAsyncRemote().sendText(reply);
            }
        }
    }

    public static final class Handshake extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            var headers = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
            headers.putAll(request.getHeaders());
            current.handshake(headers);
        }
    }
}
