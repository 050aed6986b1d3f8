package com.trulience.testing;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A loopback HTTP server that plays an incoming webhook (Slack-style): keeps every JSON document posted to it. */
public final class WebhookReceiver implements AutoCloseable {

    /** A document and when it arrived (System.nanoTime()). */
    public record Received(JsonObject json, long nanos) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<JsonObject> refused = new CopyOnWriteArrayList<>();
    private final Set<Long> refuseNextOfWorker = ConcurrentHashMap.newKeySet();

    /** On a random free port. */
    public WebhookReceiver() throws IOException {
        this(0);
    }

    /** For a static field: a loopback port that cannot be had is a broken test machine, not a test failure. */
    public static WebhookReceiver start() {
        try {
            return new WebhookReceiver();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public WebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/hook", exchange -> {
            long now = System.nanoTime();
            var json = Json.createReader(new StringReader(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)))
                    .readObject();
            boolean refuse = refuseNextOfWorker.remove(json.getJsonNumber("worker_id").longValue());
            if (refuse) {
                refused.add(json);
            } else {
                received.add(new Received(json, now));
            }
            exchange.sendResponseHeaders(refuse ? 503 : 204, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The next post about this worker is answered 503, as by a receiver that is briefly down. */
    public void refuseNextOf(long workerId) {
        refuseNextOfWorker.add(workerId);
    }

    public List<JsonObject> refused() {
        return List.copyOf(refused);
    }

    public List<Received> all() {
        return List.copyOf(received);
    }

    public List<JsonObject> of(Predicate<JsonObject> filter) {
        return received.stream().map(Received::json).filter(filter).toList();
    }

    /** Waits up to timeoutSeconds until at least count documents match; returns those that do. */
    public List<JsonObject> await(Predicate<JsonObject> filter, int count, int timeoutSeconds) throws Exception {
        return Await.until(count + " webhook post(s)", Duration.ofSeconds(timeoutSeconds), () -> of(filter),
                matching -> matching.size() >= count);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
