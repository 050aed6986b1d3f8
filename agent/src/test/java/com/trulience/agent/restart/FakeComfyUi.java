package com.trulience.agent.restart;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** ComfyUI's /queue and /system_stats on the JDK's HTTP server; a job runs while {@link #busy} is set. */
public final class FakeComfyUi implements AutoCloseable {

    public final AtomicBoolean busy = new AtomicBoolean();
    public final AtomicBoolean answering = new AtomicBoolean(true);
    public final AtomicInteger queueRequests = new AtomicInteger();
    private final HttpServer server;

    public FakeComfyUi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/queue", exchange -> {
            queueRequests.incrementAndGet();
            String running = busy.get() ? "[[7,\"prompt-1\",{},{},[]]]" : "[]";
            reply(exchange, "{\"queue_running\":" + running + ",\"queue_pending\":[]}");
        });
        server.createContext("/system_stats", exchange -> reply(exchange, "{\"system\":{\"os\":\"posix\"},\"devices\":[]}"));
        server.start();
    }

    private void reply(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answering.get() ? 200 : 503, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
