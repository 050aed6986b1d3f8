package com.trulience.agent.comfyui;

import com.trulience.agent.HttpClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The local ComfyUI's HTTP API, the agent's one client of it: asked whether an image job is running and whether
 * it answers (restarts), read every collection ({@link ComfyUiMonitor}), and told to free memory or interrupt the
 * running job (actions). HTTP/1.1 only: ComfyUI's aiohttp server speaks nothing else.
 */
public final class ComfyUi {

    /** For restarts and actions, which can wait. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** ComfyUI runs on this machine: a connection that takes longer is as good as refused. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

    /** What ComfyUI said: its HTTP status and body, or ({@code status} -1) why it could not be asked. */
    public record Answer(int status, String body, String failure) {

        static Answer failed(Throwable failure) {
            String text = failure.getMessage() == null || failure.getMessage().isBlank()
                    ? failure.getClass().getSimpleName() : failure.getClass().getSimpleName() + ": " + failure.getMessage();
            return new Answer(-1, null, text);
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** For a log line or an action's error message. */
        public String describe() {
            return status < 0 ? failure : "HTTP " + status;
        }
    }

    private final URI base;
    private final HttpClient client;

    /** {@code base} ends with a slash, so that ComfyUI's paths resolve below it. */
    public ComfyUi(URI base) {
        this.base = base;
        this.client = HttpClients.builderFor(List.of(base)).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** Whether {@code GET /queue} shows a running job; unreachable or unreadable counts as idle (the rule). */
    public boolean busy() {
        Answer answer = send(get("queue", TIMEOUT));
        return answer.status() == 200 && QueueState.parse(answer.body()).map(q -> q.running() > 0).orElse(false);
    }

    /** Whether {@code GET /system_stats} answers 200. */
    public boolean answers() {
        return send(get("system_stats", TIMEOUT)).status() == 200;
    }

    /** {@code POST} of a JSON body ({@code /free}, {@code /interrupt}). */
    public Answer post(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A {@code GET} for the per-collection read, given up after {@code timeout}; never completes exceptionally. */
    CompletableFuture<Answer> getAsync(String path, Duration timeout) {
        try {
            return client.sendAsync(get(path, timeout), HttpResponse.BodyHandlers.ofString())
                    .thenApply(response -> new Answer(response.statusCode(), response.body(), null))
                    .exceptionally(failure -> Answer.failed(failure.getCause() != null ? failure.getCause() : failure));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Answer.failed(e));
        }
    }

    private HttpRequest get(String path, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build();
    }

    private Answer send(HttpRequest request) {
        try {
            var response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), null);
        } catch (IOException | IllegalArgumentException e) {
            return Answer.failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.failed(e);
        }
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
