package com.trulience.agent.link;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import com.trulience.agent.HttpClients;
import com.trulience.agent.restart.ActionCommand;
import com.trulience.agent.restart.RestartCommand;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket to the backend: connects with the agent's token, says {@code hello}, sends every
 * batch of the {@link Outbox} in seq order and removes it when the backend acknowledges (or
 * refuses) it, and reconnects forever after any failure, replaying what is still unacknowledged.
 *
 * <p>Everything that touches the connection's state runs on one thread, "link": the socket's
 * callbacks and the metrics thread only hand work to it, so no locks are needed and collecting
 * never waits for the network. Log lines are written on changes of state, not per batch or per
 * failed attempt.
 *
 * <p>One piece although over 250 lines: what is left here is the socket's life cycle (connect, write one text at
 * a time, read, keep alive, reconnect), all of it state of the link thread. The decisions are elsewhere and tested
 * without a socket: what to send next in {@link SendWindow}, what went wrong and what the operator is told in
 * {@link Trouble}.
 */
public final class Link implements AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The backend's own limit on a frame (64 KiB), counted in characters: what one frame may hold in memory. */
    static final int MAX_FRAME_CHARS = 64 * 1024;
    /**
     * 1008, policy violation: the JDK's client refuses to send 1009 (message too big), the code the backend closes an
     * agent's oversized frame with (java.net.http.WebSocket#sendClose lists it among the codes it may not send).
     */
    private static final int FRAME_TOO_BIG = 1008;
    private static final Trouble OVERSIZED = Trouble.network("the backend sent a frame over 64 KiB");
    /** How long the backend has to answer the agent's close before the socket is dropped. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(Link.class.getName());

    private final List<URI> urls;
    private final String token;
    private final Outbox outbox;
    private final Backoff backoff;
    private final Duration keepAlive;
    private final HttpClient client;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
        var t = new Thread(task, "link");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private volatile int connections;
    private volatile long replayed;

    // Owned by the link thread.
    private Supplier<String> hello;
    private Consumer<RestartCommand> restarts;
    private Consumer<ActionCommand> actions;
    private final SendWindow window;
    private int generation;
    /** Index into {@link #urls} of the backend node tried now. */
    private int current;
    private WebSocket socket;
    private boolean sending;
    private boolean replaying;
    private long connectedAt;
    private long lastHeard;
    private long lastAck;
    /** The failure last logged; cleared once the backend acknowledges a batch again. */
    private Trouble lastTrouble;
    private final Set<String> loggedOnce = new HashSet<>();

    /**
     * @param urls      the backend nodes, tried in this order; after a failure the next one is tried (round robin)
     * @param keepAlive how often to ping; a connection silent for three of these, or with
     *                  batches unacknowledged that long, is given up and opened again
     */
    public Link(List<URI> urls, String token, Outbox outbox, Backoff backoff, Duration keepAlive) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no backend URL");
        }
        this.urls = List.copyOf(urls);
        this.token = token;
        this.outbox = outbox;
        this.window = new SendWindow(outbox);
        this.backoff = backoff;
        this.keepAlive = keepAlive;
        this.client = HttpClients.builderFor(this.urls).connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** Connects; {@code hello} gives the current hello frame, sent again whenever it changes. */
    public void start(Supplier<String> hello) {
        start(hello, null);
    }

    /** Like {@link #start(Supplier)}; {@code restarts} receives the backend's restart commands. */
    public void start(Supplier<String> hello, Consumer<RestartCommand> restarts) {
        start(hello, restarts, null);
    }

    /** Like {@link #start(Supplier, Consumer)}; {@code actions} receives its free_memory and interrupt commands. */
    public void start(Supplier<String> hello, Consumer<RestartCommand> restarts, Consumer<ActionCommand> actions) {
        onLinkThread(() -> {
            this.hello = hello;
            this.restarts = restarts;
            this.actions = actions;
            connect();
        });
        thread.scheduleWithFixedDelay(() -> {
            try {
                keepAlive();
            } catch (RuntimeException e) {
                // A throwing scheduled task is never run again: keep the keep-alive alive.
                LOG.log(Level.FINE, "keep-alive", e);
            }
        }, keepAlive.toMillis(), keepAlive.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stores the batch and sends it when the link is up; returns at once. */
    public void submit(long seq, String frame) {
        outbox.put(seq, frame);
        onLinkThread(this::sendNext);
    }

    /** Sends a restart_status or action_status frame, at once when connected, else after the next connect (hello first). */
    public void status(String frame) {
        onLinkThread(() -> {
            if (!window.addStatus(frame) && loggedOnce.add("statuses full")) {
                LOG.warning("More than " + SendWindow.MAX_STATUSES + " restart and action statuses wait for the link: the oldest are dropped");
            }
            sendNext();
        });
    }

    /** Successful connections so far. */
    public int connections() {
        return connections;
    }

    /** Batches that were waiting in the outbox when a connection opened, summed over the connections so far. */
    public long batchesReplayed() {
        return replayed;
    }

    private void connect() {
        if (closed) {
            return;
        }
        int attempt = ++generation;
        client.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(urls.get(current), new Listener(attempt))
                .whenComplete((socket, failure) -> {
                    if (failure != null) {
                        onLinkThread(() -> failed(attempt, failure));
                    }
                });
    }

    private void opened(int attempt, WebSocket opened) {
        if (attempt != generation || closed) {
            opened.abort();
            return;
        }
        socket = opened;
        connections++;
        connectedAt = lastHeard = lastAck = System.nanoTime();
        sending = false;
        window.connected();
        int pending = outbox.size();
        replayed += pending;
        // While the backend keeps closing for the same configuration error, one round was logged.
        Level level = lastTrouble != null && lastTrouble.configuration() ? Level.FINE : Level.INFO;
        URI url = urls.get(current);
        LOG.log(level, () -> "Connected to " + url);
        replaying = pending > 0;
        if (replaying) {
            LOG.log(level, () -> "Replaying " + pending + " batch(es) not yet acknowledged, oldest first");
        }
        sendNext();
    }

    private void sendNext() {
        if (socket == null || sending) {
            return;
        }
        window.next(hello.get()).ifPresent(next -> {
            if (next.firstInFlight()) {
                lastAck = System.nanoTime();
            }
            send(next);
        });
    }

    /** The JDK's WebSocket takes one text at a time: the next is sent when this one is written. */
    private void send(SendWindow.Next next) {
        int attempt = generation;
        sending = true;
        try {
            socket.sendText(next.text(), true).whenComplete((ignored, failure) -> onLinkThread(() -> {
                if (attempt != generation) {
                    return;
                }
                sending = false;
                if (failure != null) {
                    lost(attempt, Trouble.failed("sending failed: ", failure));
                    return;
                }
                window.written(next);
                sendNext();
            }));
        } catch (IllegalStateException e) {
            lost(attempt, Trouble.failed("sending failed: ", e));
        }
    }

    private void received(int attempt, String text) {
        if (attempt != generation) {
            return;
        }
        lastHeard = System.nanoTime();
        BackendFrame frame = BackendFrame.parse(text);
        if (frame instanceof BackendFrame.Ack ack) {
            lastAck = lastHeard;
            lastTrouble = null;
            settled(ack.seq());
        } else if (frame instanceof BackendFrame.Error error) {
            refused(error);
        } else if (frame instanceof BackendFrame.Restart restart && restarts != null) {
            restarts.accept(restart.command());
        } else if (frame instanceof BackendFrame.Action action && actions != null) {
            actions.accept(action.command());
        } else if (frame instanceof BackendFrame.Other other && loggedOnce.add("type " + other.type())) {
            LOG.info(() -> "Ignoring frames of type '" + other.type() + "' from the backend: this agent does not know them");
        }
    }

    private void settled(long seq) {
        window.settled(seq);
        outbox.remove(seq);
        if (replaying && outbox.size() == 0) {
            replaying = false;
            LOG.info("Caught up: every batch collected while disconnected is acknowledged");
        }
        sendNext();
    }

    /** Sending it again would fail again: the batch is dropped, the connection kept. */
    private void refused(BackendFrame.Error error) {
        String detail = error.code() + (error.field() == null ? "" : ", " + error.field()) + ": " + error.message();
        if (error.seq() == null) {
            if (loggedOnce.add("error " + detail)) {
                LOG.warning(() -> "The backend refused a frame that was not a batch (" + detail + ")");
            }
            return;
        }
        // The first of a kind is a warning; a repeat (one per batch) would flood the log.
        Level level = loggedOnce.add("error " + error.code() + " " + error.field()) ? Level.WARNING : Level.FINE;
        LOG.log(level, () -> "The backend refused batch seq " + error.seq() + " (" + detail + "); it is dropped");
        settled(error.seq());
    }

    private void closedByBackend(int attempt, int code, String reason) {
        Trouble.closed(code, reason, closed).ifPresent(trouble -> lost(attempt, trouble));
    }

    private void failed(int attempt, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        lost(attempt, cause instanceof WebSocketHandshakeException handshake
                ? Trouble.handshake(handshake.getResponse().statusCode(), handshake.getResponse().headers().firstValue("Retry-After"))
                : Trouble.failed("", cause));
    }

    private void lost(int attempt, Trouble trouble) {
        if (attempt != generation || closed) {
            return;
        }
        generation++;
        boolean wasConnected = socket != null;
        if (wasConnected) {
            socket.abort();
            socket = null;
        }
        sending = false;
        window.lost();
        if (wasConnected && System.nanoTime() - connectedAt >= backoff.stableAfter().toNanos()) {
            backoff.reset();
        }
        Duration delay = trouble.configuration() ? backoff.slow() : backoff.next();
        if (delay.compareTo(trouble.notBefore()) < 0) {
            delay = trouble.notBefore();
        }
        URI failed = urls.get(current);
        current = (current + 1) % urls.size();
        LOG.log(trouble.level(lastTrouble), trouble.line(wasConnected, failed,
                urls.size() > 1 ? Optional.of(urls.get(current)) : Optional.empty(), outbox.size(), backoff.slow()));
        lastTrouble = trouble;
        thread.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void keepAlive() {
        if (socket == null) {
            return;
        }
        long now = System.nanoTime();
        Optional<Trouble> silent = Trouble.silent(Duration.ofNanos(now - lastHeard),
                window.awaitingAck() ? Optional.of(Duration.ofNanos(now - lastAck)) : Optional.empty(), keepAlive);
        if (silent.isPresent()) {
            lost(generation, silent.get());
        } else if (!sending) {
            socket.sendPing(ByteBuffer.allocate(0));
        }
    }

    private void onLinkThread(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // A throwing task must not end the link: it would never reconnect again.
                    LOG.log(Level.WARNING, "The link failed unexpectedly", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closing: nothing more to do
        }
    }

    /** Says goodbye to the backend (what is unacknowledged stays in the outbox for the next start). */
    @Override
    public void close() {
        closed = true;
        try {
            thread.submit(() -> {
                if (socket != null) {
                    try {
                        socket.sendClose(WebSocket.NORMAL_CLOSURE, "agent stopping").get(2, TimeUnit.SECONDS);
                    } catch (ExecutionException | TimeoutException e) {
                        socket.abort();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }).get(3, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.fine(() -> "closing the link: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
    }

    /** One per connection attempt: callbacks of an older socket are recognised and ignored. */
    private final class Listener implements WebSocket.Listener {
        private final int attempt;
        private final StringBuilder text = new StringBuilder();
        private boolean oversized;

        Listener(int attempt) {
            this.attempt = attempt;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            onLinkThread(() -> opened(attempt, webSocket));
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (oversized) {
                webSocket.request(1);
                return null;
            }
            if (text.length() + data.length() > MAX_FRAME_CHARS) {
                // closed as the backend closes an agent's oversized frame; what follows is read only to see the close
                oversized = true;
                text.setLength(0);
                webSocket.sendClose(FRAME_TOO_BIG, "frame over 64 KiB");
                thread.schedule(() -> lost(attempt, OVERSIZED), CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                webSocket.request(1);
                return null;
            }
            text.append(data);
            if (last) {
                String frame = text.toString();
                text.setLength(0);
                onLinkThread(() -> received(attempt, frame));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            onLinkThread(() -> {
                if (attempt == generation) {
                    lastHeard = System.nanoTime();
                }
            });
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (oversized) {
                onLinkThread(() -> lost(attempt, OVERSIZED));
                return null;
            }
            onLinkThread(() -> closedByBackend(attempt, statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onLinkThread(() -> failed(attempt, error));
        }
    }
}
