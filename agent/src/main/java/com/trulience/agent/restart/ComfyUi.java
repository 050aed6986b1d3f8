package com.trulience.agent.restart;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The local ComfyUI's HTTP API, asked whether an image job is running and whether it answers at all. */
public final class ComfyUi {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public ComfyUi(URI base) {
        this.base = base;
    }

    /** Whether {@code GET /queue} shows a running job; unreachable or unreadable counts as idle (the rule). */
    public boolean busy() {
        String body = get("queue");
        return body != null && running(body);
    }

    /** Whether {@code GET /system_stats} answers 200. */
    public boolean answers() {
        return get("system_stats") != null;
    }

    static boolean running(String queueJson) {
        try {
            JsonObject json = Json.createReader(new StringReader(queueJson)).readObject();
            return json.get("queue_running") instanceof JsonArray running && !running.isEmpty();
        } catch (JsonException | IllegalStateException e) {
            return false;
        }
    }

    private String get(String path) {
        try {
            var request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build();
            var response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
