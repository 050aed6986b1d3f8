package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.trulience.agent.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The link against a real WebSocket server, batches put by hand. */
class LinkTest {

    private static final Duration SLOW = Duration.ofMillis(1500);
    private static final String HELLO = "{\"type\":\"hello\",\"worker_id\":7,\"hostname\":\"gpu-07\",\"agent_version\":\"0.1.0\","
            + "\"driver_version\":null,\"metrics_interval_secs\":1,\"gpus\":[],\"services\":[]}";

    @TempDir
    Path directory;

    private final List<AutoCloseable> open = new ArrayList<>();
    private Outbox outbox;
    private final LogLines log = new LogLines(Link.class);

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        log.close();
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private Link link(java.net.URI url) {
        outbox = closeLater(Outbox.open(directory, 1000));
        var link = closeLater(new Link(List.of(url), "s3cret", outbox,
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), SLOW, Duration.ofMinutes(1), new Random(1)),
                Duration.ofSeconds(5)));
        link.start(() -> HELLO);
        return link;
    }

    private static String batch(long seq) {
        return "{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":" + seq + ",\"timestamp\":\"2026-11-28T05:00:"
                + String.format("%02d", seq % 60) + "Z\",\"metrics\":[]}";
    }

    private void submit(Link link, int count) {
        for (int i = 0; i < count; i++) {
            long seq = outbox.nextSeq();
            link.submit(seq, batch(seq));
        }
    }

    @Test
    void saysHelloWithTheTokenThenSendsEachBatchAndForgetsItOnceAcked() {
        var backend = closeLater(TestBackend.start());
        var link = link(backend.url());

        submit(link, 3);

        Await.until("3 batches stored and the outbox empty", () -> backend.stored().size() == 3 && outbox.size() == 0,
                () -> backend.messages() + " outbox " + outbox.seqs());
        assertEquals(List.of(HELLO, batch(1), batch(2), batch(3)), backend.messages());
        assertEquals(List.of("Bearer s3cret"), backend.handshakes().get(0).get("Authorization"));
        assertFalse(backend.handshakes().get(0).containsKey("Origin"), "agents send no Origin");
        assertEquals(1, link.connections());
        assertEquals(1, log.count("Connected to " + backend.url()));
    }

    @Test
    void movesOnToTheNextBackendNodeWhenOneCannotBeReached() throws IOException {
        var backend = closeLater(TestBackend.start());
        java.net.URI dead;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = java.net.URI.create("ws://127.0.0.1:" + socket.getLocalPort() + "/ws/metrics");
        }
        outbox = closeLater(Outbox.open(directory, 1000));
        var link = closeLater(new Link(List.of(dead, backend.url()), "s3cret", outbox,
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), SLOW, Duration.ofMinutes(1), new Random(1)),
                Duration.ofSeconds(5)));
        link.start(() -> HELLO);

        submit(link, 2);

        Await.until("both batches stored by the second node", () -> backend.stored().size() == 2 && outbox.size() == 0,
                () -> backend.messages() + " " + log.shown());
        assertEquals(1, log.count("Cannot connect to " + dead), log.shown().toString());
        assertEquals(1, log.count("next try: " + backend.url()), log.shown().toString());
        assertEquals(1, log.count("Connected to " + backend.url()), log.shown().toString());
        assertEquals(1, link.connections());
    }

    @Test
    void dropsABatchTheBackendRefusesAndKeepsTheConnection() {
        var backend = closeLater(TestBackend.start());
        backend.answer = batch -> batch.getInt("seq") == 2
                ? "{\"type\":\"error\",\"seq\":2,\"code\":\"invalid_payload\",\"message\":\"must be 0..100\","
                        + "\"field\":\"metrics[0].utilization_percent\"}"
                : TestBackend.ack(batch.getInt("seq"));
        var link = link(backend.url());

        submit(link, 3);

        Await.until("batches 1 and 3 stored, 2 dropped", () -> outbox.size() == 0 && backend.stored().size() == 2,
                () -> backend.messages() + " outbox " + outbox.seqs());
        assertEquals(List.of(1L, 3L), List.copyOf(backend.stored().keySet()));
        assertEquals(3, backend.batches().size(), "the refused batch is not sent again");
        assertEquals(1, link.connections());
        assertEquals(1, log.count("refused batch seq 2 (invalid_payload, metrics[0].utilization_percent: must be 0..100)"),
                log.shown().toString());
    }

    @Test
    void logsAnUnknownFrameTypeOnceAndGoesOn() {
        var backend = closeLater(TestBackend.start());
        var link = link(backend.url());
        submit(link, 1);
        Await.until("batch 1 stored", () -> outbox.size() == 0, () -> backend.messages().toString());

        String unknown = "{\"type\":\"shutdown\",\"worker_id\":7}";
        backend.sendToAgents(unknown);
        backend.sendToAgents(unknown);
        backend.sendToAgents("not json");
        submit(link, 1);

        Await.until("batch 2 stored", () -> backend.stored().size() == 2 && outbox.size() == 0,
                () -> backend.messages().toString());
        Await.until("the unknown type logged", () -> log.count("'shutdown'") == 1, () -> log.shown().toString());
        assertEquals(1, log.count("'shutdown'"));
        assertEquals(1, link.connections());
    }

    @Test
    void handsOnRestartCommandsAndSendsStatusesKeptThroughAnOutageAfterReconnecting() {
        var backend = closeLater(TestBackend.start());
        outbox = closeLater(Outbox.open(directory, 1000));
        var link = closeLater(new Link(List.of(backend.url()), "s3cret", outbox,
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), SLOW, Duration.ofMinutes(1), new Random(1)),
                Duration.ofSeconds(5)));
        var commands = new java.util.concurrent.CopyOnWriteArrayList<com.trulience.agent.restart.RestartCommand>();
        link.start(() -> HELLO, commands::add);
        Await.until("hello", () -> backend.messages().contains(HELLO), () -> backend.messages().toString());

        backend.sendToAgents("{\"type\":\"restart\",\"restart_id\":42,\"service_name\":\"comfyui\",\"force\":false,\"reason\":\"leak\"}");
        Await.until("the command handed on", () -> commands.size() == 1, commands::toString);
        assertEquals(new com.trulience.agent.restart.RestartCommand(42, "comfyui", false, "leak"), commands.get(0));

        backend.stop();
        Await.until("the link noticed", () -> log.count("Disconnected") >= 1, () -> log.shown().toString());
        String stopping = "{\"type\":\"restart_status\",\"restart_id\":42,\"status\":\"stopping\",\"error_message\":null}";
        String completed = stopping.replace("stopping", "completed");
        link.status(stopping);
        link.status(completed);
        backend.startAgain();

        Await.until("both statuses after the new hello", () -> backend.messages().size() >= 4, () -> backend.messages().toString());
        assertEquals(List.of(HELLO, HELLO, stopping, completed), backend.messages());
    }

    @Test
    void reconnectsAndSendsTheBatchAgainWhenTheBackendCouldNotStoreIt() {
        var backend = closeLater(TestBackend.start());
        var first = new java.util.concurrent.atomic.AtomicBoolean(true);
        backend.answer = batch -> first.getAndSet(false) ? "close 1013 could not store the batch, send it again later"
                : TestBackend.ack(batch.getInt("seq"));
        var link = link(backend.url());

        submit(link, 1);

        Await.until("batch 1 stored on the second connection", () -> backend.stored().size() == 1 && outbox.size() == 0,
                () -> backend.messages().toString());
        assertEquals(2, backend.connections());
        assertEquals(2, backend.batches().size());
        assertEquals(List.of(HELLO, batch(1), HELLO, batch(1)), backend.messages(), "hello again on every connect");
        assertEquals(1, log.count("Disconnected: closed by the backend (1013 could not store"), log.shown().toString());
        assertEquals(2, log.count("Replaying 1 batch(es)"), log.shown().toString());
        Await.until("caught up logged", () -> log.count("Caught up") >= 1, () -> log.shown().toString());
        assertEquals(1, log.count("Caught up"), log.shown().toString());
    }

    @Test
    void retriesSlowlyAndLogsOnceWhenTheBackendRefusesTheToken() throws IOException {
        var attempts = new ArrayList<Long>();
        link(refusingHandshakes(401, Map.of(), attempts));

        awaitAttempts(attempts, 3);
        assertGapsAtLeast(attempts, SLOW.toNanos() * 9 / 10);
        assertEquals(1, log.count("refused AGENT_TOKEN (HTTP 401)"), log.shown().toString());
    }

    @Test
    void waitsAtLeastTheRetryAfterAndWarnsOnceWhileTheBackendThrottlesItsHandshakes() throws IOException {
        var attempts = new ArrayList<Long>();
        // the back-off alone would retry within 20-100 ms
        link(refusingHandshakes(429, Map.of("Retry-After", "1"), attempts));

        awaitAttempts(attempts, 3);
        assertGapsAtLeast(attempts, Duration.ofSeconds(1).toNanos());
        assertEquals(1, log.count("throttles this worker's handshakes (HTTP 429)"), log.shown().toString());
        assertTrue(log.shown().get(0).startsWith("WARNING "), log.shown().toString());
    }

    @Test
    void retriesWithBackOffAndWarnsOnceWhileTheBackendAnswers404AsPayaraDoesWhileDeploying() throws IOException {
        var attempts = new ArrayList<Long>();
        var url = refusingHandshakes(404, Map.of(), attempts);
        link(url);

        awaitAttempts(attempts, 4);
        synchronized (attempts) {
            assertTrue(attempts.get(3) - attempts.get(0) < SLOW.toNanos(), "three retries within the back-off, not slowly");
        }
        assertEquals(List.of("WARNING Cannot connect to " + url + ":"
                + " the backend answered the handshake with HTTP 404: it is starting, or BACKEND_WS_URL has a wrong path;"
                + " reconnecting with back-off; batches wait in the outbox (0 now)"), log.shown());
    }

    /** A server that answers every handshake with {@code status} and {@code headers}, noting when each came. */
    private java.net.URI refusingHandshakes(int status, Map<String, String> headers, List<Long> attempts) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            synchronized (attempts) {
                attempts.add(System.nanoTime());
            }
            headers.forEach(exchange.getResponseHeaders()::add);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        closeLater(() -> server.stop(0));
        return java.net.URI.create("ws://127.0.0.1:" + server.getAddress().getPort() + "/ws/metrics");
    }

    private static void awaitAttempts(List<Long> attempts, int count) {
        Await.until(count + " attempts", () -> {
            synchronized (attempts) {
                return attempts.size() >= count;
            }
        }, () -> attempts.size() + " attempts");
    }

    private static void assertGapsAtLeast(List<Long> attempts, long nanos) {
        synchronized (attempts) {
            for (int i = 1; i < attempts.size(); i++) {
                long gap = attempts.get(i) - attempts.get(i - 1);
                assertTrue(gap >= nanos, "attempt " + i + " came after " + gap / 1_000_000 + " ms");
            }
        }
    }

    @Test
    void retriesSlowlyWhenTheBackendClosesForPolicy() {
        var backend = closeLater(TestBackend.start());
        backend.answer = batch -> "close 1008 worker_id does not match the token";
        var link = link(backend.url());
        submit(link, 1);

        Await.until("a second connection", () -> backend.connections() >= 2, () -> backend.connections() + " connections");
        Await.until("the batch sent twice", () -> backend.batches().size() >= 2, () -> backend.messages().toString());
        List<Long> at = backend.handshakeTimes();
        assertTrue(at.get(1) - at.get(0) >= SLOW.toNanos() * 9 / 10, "reconnected after " + (at.get(1) - at.get(0)) / 1_000_000 + " ms");

        assertTrue(log.count("Disconnected: closed by the backend (1008 worker_id does not match the token):"
                + " check WORKER_ID and AGENT_TOKEN; a configuration error") == 1, log.shown().toString());
        assertEquals(1, outbox.size(), "kept until the backend takes it");
    }

    @Test
    void keepsCollectedBatchesWhileTheBackendIsUnreachableAndSendsThemWhenItAnswers() {
        var backend = TestBackend.start();
        backend.stop();
        var link = link(backend.url());
        submit(link, 4);
        Await.until("a failed attempt logged", () -> log.count("Cannot connect to") == 1, () -> log.shown().toString());

        backend.startAgain();
        closeLater(backend);

        Await.until("all 4 stored", () -> backend.stored().size() == 4 && outbox.size() == 0,
                () -> backend.messages().toString());
        assertEquals(List.of(1L, 2L, 3L, 4L), backend.storeOrder());
        // While the backend was down every attempt was refused: one state, one line. A backend that is starting may
        // answer its first handshake with 404 (Payara does, and so may the test backend): a new state, its own line.
        assertEquals(1, log.count("ConnectException"), "repeated failures are one state: " + log.shown());
        var failures = log.shown().stream().filter(line -> line.contains("Cannot connect to")).toList();
        assertEquals(failures.stream().distinct().count(), failures.size(), "each failure logged once: " + failures);
        // logged by the link's thread right after the last ack, which the backend may see first
        Await.until("caught up logged", () -> log.count("Caught up") >= 1, () -> log.shown().toString());
        assertEquals(1, log.count("Caught up"));
    }
}
