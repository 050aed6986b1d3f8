package com.trulience.agent.comfyui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted ComfyUI on the JDK's HTTP server (nothing else: the webapp's ITs use it from the agent's test-jar), on an
 * ephemeral port of 127.0.0.1. It answers ComfyUI's routes, each also under {@code /api}, as server.py does:
 * {@code GET /queue}, {@code GET /system_stats}, {@code POST /free}, {@code POST /interrupt}.
 *
 * <ul>
 * <li>state: {@link #idle}, {@link #running} (a job with its prompt id, and jobs pending), {@link #version},
 *     {@link #device} (torch's VRAM per device, in bytes as ComfyUI reports it);</li>
 * <li>{@code /free} runs {@link #onFree} and answers 200 (a test lowers the VRAM its fake NVML reports there);
 *     {@link #freeReleases} also sets every device's torch_vram_free to its total;</li>
 * <li>{@code /interrupt} answers 200 and stops the running job (the pending ones stay pending);</li>
 * <li>{@link #answering} false: every route answers 503; {@link #garbage}: the GETs answer text that is not JSON;</li>
 * <li>{@link #hang}: the GETs wait, without answering, until {@link #release} or {@link #close};</li>
 * <li>{@link #stop}: the port is closed (unreachable); {@link #calls} counts requests per route, {@code /api} folded in.</li>
 * </ul>
 */
public final class FakeComfyUi implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, String> lastBodies = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();
    private volatile CountDownLatch hung = new CountDownLatch(0);
    private volatile boolean hanging;
    private volatile boolean answering = true;
    private volatile boolean garbage;
    private volatile Runnable onFree = () -> { };
    private volatile boolean freeReleases;

    // Guarded by this.
    private String version = "0.3.40";
    private String runningPromptId;
    private int pending;
    private final Map<Integer, long[]> devices = new LinkedHashMap<>();

    public FakeComfyUi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Several threads: a hanging request must not hold up the others (nor the test's /free).
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            var thread = new Thread(task, "fake-comfyui");
            thread.setDaemon(true);
            return thread;
        }));
        for (String prefix : List.of("", "/api")) {
            server.createContext(prefix + "/queue", exchange -> get(exchange, "/queue", this::queueJson));
            server.createContext(prefix + "/system_stats", exchange -> get(exchange, "/system_stats", this::statsJson));
            server.createContext(prefix + "/free", exchange -> post(exchange, "/free", this::free));
            server.createContext(prefix + "/interrupt", exchange -> post(exchange, "/interrupt", this::interrupt));
        }
        server.start();
    }

    /** The base URL, with a trailing slash, as COMFYUI_URL. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public synchronized FakeComfyUi idle() {
        runningPromptId = null;
        pending = 0;
        return this;
    }

    /** A job runs with this prompt id, and {@code pendingJobs} wait behind it. */
    public synchronized FakeComfyUi running(String promptId, int pendingJobs) {
        runningPromptId = promptId;
        pending = pendingJobs;
        return this;
    }

    public synchronized boolean busy() {
        return runningPromptId != null;
    }

    /** {@code system.comfyui_version}; null leaves it out. */
    public synchronized FakeComfyUi version(String comfyUiVersion) {
        version = comfyUiVersion;
        return this;
    }

    /** Torch's VRAM of a CUDA device, in bytes. */
    public synchronized FakeComfyUi device(int index, long torchVramTotal, long torchVramFree) {
        devices.put(index, new long[] {torchVramTotal, torchVramFree});
        return this;
    }

    /** Runs on every /free, before it is answered; e.g. rewrite the fake NVML's script with less VRAM used. */
    public FakeComfyUi onFree(Runnable hook) {
        onFree = hook;
        return this;
    }

    /** Whether a /free also empties torch's VRAM in /system_stats. */
    public FakeComfyUi freeReleases(boolean releases) {
        freeReleases = releases;
        return this;
    }

    /** False: every route answers 503. */
    public FakeComfyUi answering(boolean answers) {
        answering = answers;
        return this;
    }

    /** True: /queue and /system_stats answer 200 with a body that is not JSON. */
    public FakeComfyUi garbage(boolean notJson) {
        garbage = notJson;
        return this;
    }

    /** True: /queue and /system_stats hold every request without answering until {@link #release}. */
    public synchronized FakeComfyUi hang(boolean hang) {
        if (hang && !hanging) {
            hung = new CountDownLatch(1);
        }
        hanging = hang;
        if (!hang) {
            hung.countDown();
        }
        return this;
    }

    /** Lets the held requests go (answered as usual) and stops holding new ones. */
    public FakeComfyUi release() {
        return hang(false);
    }

    /** Requests being held unanswered by {@link #hang} now. */
    public int held() {
        return held.get();
    }

    /** Requests of {@code route} ({@code "/queue"}, {@code "/free"}, ...) so far, those under /api included. */
    public int calls(String route) {
        AtomicInteger count = calls.get(route);
        return count == null ? 0 : count.get();
    }

    /** The body of the last request of {@code route}; null when none came. */
    public String lastBody(String route) {
        return lastBodies.get(route);
    }

    /** Closes the port: from now on ComfyUI cannot be reached. */
    public void stop() {
        release();
        server.stop(0);
    }

    @Override
    public void close() {
        stop();
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private synchronized String queueJson() {
        String running = runningPromptId == null ? "[]"
                : "[[7,\"" + runningPromptId + "\",{\"3\":{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":[1,2]}}},{},[\"9\"]]]";
        var waiting = new ArrayList<String>();
        for (int i = 0; i < pending; i++) {
            waiting.add("[" + (8 + i) + ",\"pending-" + i + "\",{\"3\":{\"inputs\":{}}},{},[]]");
        }
        return "{\"queue_running\":" + running + ",\"queue_pending\":[" + String.join(",", waiting) + "]}";
    }

    private synchronized String statsJson() {
        var list = new ArrayList<String>();
        devices.forEach((index, vram) -> list.add("{\"name\":\"cuda:" + index + " NVIDIA H200 : cudaMallocAsync\",\"type\":\"cuda\","
                + "\"index\":" + index + ",\"vram_total\":" + vram[0] + ",\"vram_free\":" + vram[1]
                + ",\"torch_vram_total\":" + vram[0] + ",\"torch_vram_free\":" + vram[1] + "}"));
        return "{\"system\":{\"os\":\"posix\",\"python_version\":\"3.12.3\",\"pytorch_version\":\"2.7.0+cu128\""
                + (version == null ? "" : ",\"comfyui_version\":\"" + version + "\"") + "},\"devices\":[" + String.join(",", list) + "]}";
    }

    private void free() {
        if (freeReleases) {
            synchronized (this) {
                devices.values().forEach(vram -> vram[1] = vram[0]);
            }
        }
    }

    private synchronized void interrupt() {
        runningPromptId = null;
    }

    private interface Body {
        String json();
    }

    private void get(HttpExchange exchange, String route, Body body) throws IOException {
        count(exchange, route);
        if (hanging) {
            held.incrementAndGet();
            try {
                hung.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                held.decrementAndGet();
            }
        }
        if (!answering) {
            reply(exchange, 503, "{\"error\":\"unavailable\"}");
        } else if (!exchange.getRequestMethod().equals("GET")) {
            reply(exchange, 405, "");
        } else {
            reply(exchange, 200, garbage ? "<html>502 Bad Gateway</html>" : body.json());
        }
    }

    private void post(HttpExchange exchange, String route, Runnable action) throws IOException {
        count(exchange, route);
        if (!answering) {
            reply(exchange, 503, "");
        } else if (!exchange.getRequestMethod().equals("POST")) {
            reply(exchange, 405, "");
        } else {
            action.run();
            // Before the answer, so that the agent's first look after it sees what the hook did.
            if (route.equals("/free")) {
                onFree.run();
            }
            reply(exchange, 200, "");
        }
    }

    private void count(HttpExchange exchange, String route) throws IOException {
        calls.computeIfAbsent(route, r -> new AtomicInteger()).incrementAndGet();
        try (InputStream in = exchange.getRequestBody()) {
            lastBodies.put(route, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
