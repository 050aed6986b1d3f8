package com.trulience.testing;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client speaking for one agent: sends frames, collects answers and the close code. */
public final class AgentClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final BlockingQueue<String> received;
    private final CompletableFuture<Integer> closeCode;
    private final CompletableFuture<String> closeReason;

    private AgentClient(WebSocket socket, BlockingQueue<String> received, CompletableFuture<Integer> closeCode,
                        CompletableFuture<String> closeReason) {
        this.socket = socket;
        this.received = received;
        this.closeCode = closeCode;
        this.closeReason = closeReason;
    }

    public static URI metricsUri(URL base) {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "ws/metrics");
    }

    public static AgentClient connect(URL base, String token) {
        return connect(base, token, null);
    }

    public static AgentClient connect(URL base, String token, String origin) {
        var received = new LinkedBlockingQueue<String>();
        var closeCode = new CompletableFuture<Integer>();
        var closeReason = new CompletableFuture<String>();
        var builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        var socket = builder.buildAsync(metricsUri(base), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    received.add(text.toString());
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeReason.complete(reason);
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closeReason.completeExceptionally(error);
                closeCode.completeExceptionally(error);
            }
        }).join();
        return new AgentClient(socket, received, closeCode, closeReason);
    }

    /** The HTTP status the handshake was refused with. */
    public static int refusedStatus(URL base, String token, String origin) {
        try {
            connect(base, token, origin).close();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    public AgentClient send(String frame) {
        socket.sendText(frame, true).join();
        return this;
    }

    /** One fragment of a text message; {@code last=false} leaves the message open for more. */
    public AgentClient sendPart(String part, boolean last) {
        socket.sendText(part, last).join();
        return this;
    }

    /** The frames received so far that no {@link #next()} has taken. */
    public int waiting() {
        return received.size();
    }

    /** The next frame from the backend, waiting up to 10 s. */
    public String next() throws InterruptedException {
        String frame = received.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame from the backend within 10 s");
        }
        return frame;
    }

    /** The close code the backend closed with, waiting up to 10 s. */
    public int closedWith() throws Exception {
        return closeCode.get(10, TimeUnit.SECONDS);
    }

    /** The close code the backend closed with, waiting up to {@code seconds}. */
    public int closedWithin(int seconds) throws Exception {
        return closeCode.get(seconds, TimeUnit.SECONDS);
    }

    /** The reason the backend gave with its close, waiting up to 10 s. */
    public String closeReason() throws Exception {
        return closeReason.get(10, TimeUnit.SECONDS);
    }

    public boolean isOpen() {
        return !socket.isInputClosed() && !closeCode.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
