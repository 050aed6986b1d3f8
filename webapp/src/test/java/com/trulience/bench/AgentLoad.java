package com.trulience.bench;

import com.trulience.testing.Api;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated agents for benchmarks: each registers a worker of its own through the admin API, connects with its
 * token over a real WebSocket and sends 8-GPU gpu_metrics frames, timing each until its ack.
 */
final class AgentLoad {

    static final int GPUS = 8;
    static final int IN_FLIGHT_PER_AGENT = 4;
    private static final JsonProvider JSON = JsonProvider.provider();

    private final URL base;
    private final Api admin;
    private final Instant epoch;
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
    /** Frames acked per worker, over every run. Sample values stay below the seeded alert thresholds: a healthy fleet. */
    final Map<Long, AtomicLong> ackedFrames = new ConcurrentHashMap<>();
    /** Connections the backend closed (any code but a normal closure) or that failed, over every run. */
    final AtomicLong lostConnections = new AtomicLong();

    /** Percent of the agents whose readings change from frame to frame (the others repeat theirs); 100 but in live mode. */
    private final int changingPercent;
    private final AtomicLong agentsStarted = new AtomicLong();

    AgentLoad(URL base, Api admin, Instant epoch) {
        this(base, admin, epoch, 100);
    }

    private AgentLoad(URL base, Api admin, Instant epoch, int changingPercent) {
        this.base = base;
        this.admin = admin;
        this.epoch = epoch;
        this.changingPercent = changingPercent;
    }

    /**
     * Agents as a dashboard sees them: each frame stamped with the time it is sent (so that the page can measure sample
     * to pixel), and only {@code changingPercent} of the agents changing their readings.
     */
    static AgentLoad live(URL base, Api admin, int changingPercent) {
        return new AgentLoad(base, admin, null, changingPercent);
    }

    /** One ack: when its frame was sent (System.nanoTime) and how long the ack took. */
    record Ack(long sentNanos, long latencyNanos) {
    }

    /** neverAcked: frames sent that had no ack a minute after the last was sent (lost connections, or a backend far behind). */
    record Result(long frames, long rows, double seconds, List<Ack> acks, long neverAcked) {

        double percentileMs(int percentile) {
            return percentileMs(percentile, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        /** Percentile of the latencies of frames sent between the two System.nanoTime instants. */
        double percentileMs(int percentile, long fromNanos, long toNanos) {
            long[] latencies = acks.stream().filter(ack -> ack.sentNanos() >= fromNanos && ack.sentNanos() <= toNanos)
                    .mapToLong(Ack::latencyNanos).sorted().toArray();
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(percentile / 100.0 * latencies.length) - 1;
            return latencies[Math.max(0, Math.min(latencies.length - 1, index))] / 1e6;
        }

        long count(long fromNanos, long toNanos) {
            return acks.stream().filter(ack -> ack.sentNanos() >= fromNanos && ack.sentNanos() <= toNanos).count();
        }
    }

    /** Runs {@code agents} new agents for {@code seconds}; intervalMs 0 sends as fast as acks allow. */
    Result run(int agents, int seconds, long intervalMs) throws Exception {
        return run(agents, seconds, intervalMs, () -> { });
    }

    /** Like {@link #run(int, int, long)}; {@code connected} runs once every agent's socket is open. */
    Result run(int agents, int seconds, long intervalMs, Runnable connected) throws Exception {
        var clients = new ArrayList<SimulatedAgent>();
        for (int i = 0; i < agents; i++) {
            clients.add(new SimulatedAgent(register()));
        }
        connected.run();
        var scheduler = Executors.newScheduledThreadPool(2);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        var senders = Executors.newFixedThreadPool(Math.min(agents, 64));
        for (var client : clients) {
            if (intervalMs == 0) {
                senders.submit(() -> client.sendFlatOut(end));
            } else {
                long offset = (long) (Math.random() * intervalMs);
                scheduler.scheduleAtFixedRate(() -> client.sendIfBefore(end), offset, intervalMs, TimeUnit.MILLISECONDS);
            }
        }
        senders.shutdown();
        senders.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        while (System.nanoTime() < end) {
            Thread.sleep(100);
        }
        scheduler.shutdownNow();
        // one deadline for all: a lost connection's frames are never acked, and waiting per agent would add up
        long ackDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long neverAcked = 0;
        for (var client : clients) {
            neverAcked += client.awaitAllAcked(ackDeadline);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long frames = clients.stream().mapToLong(client -> client.acked.get()).sum();
        var acks = clients.stream().flatMap(client -> client.acks.stream()).toList();
        clients.forEach(SimulatedAgent::close);
        return new Result(frames, frames * GPUS, elapsed, acks, neverAcked);
    }

    private final Map<Long, String> tokens = new ConcurrentHashMap<>();

    private long register() throws Exception {
        var worker = admin.registerWorker("bench-" + System.nanoTime());
        tokens.put(worker.id(), worker.token());
        return worker.id();
    }

    private final class SimulatedAgent implements WebSocket.Listener {

        private final long workerId;
        private final WebSocket socket;
        private final Semaphore window = new Semaphore(IN_FLIGHT_PER_AGENT);
        private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        private final AtomicLong acked = new AtomicLong();
        private final AtomicLong seq = new AtomicLong();
        private final StringBuilder partial = new StringBuilder();
        private final boolean changing = agentsStarted.getAndIncrement() % 100 < changingPercent;

        SimulatedAgent(long workerId) {
            this.workerId = workerId;
            ackedFrames.put(workerId, new AtomicLong());
            this.socket = http.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + tokens.get(workerId))
                    .buildAsync(URI.create(base.toString().replaceFirst("^http", "ws") + "ws/metrics"), this)
                    .join();
        }

        void sendFlatOut(long end) {
            while (System.nanoTime() < end) {
                try {
                    if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        send();
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void sendIfBefore(long end) {
            if (System.nanoTime() < end && window.tryAcquire()) {
                send();
            }
        }

        private synchronized void send() {
            long next = seq.incrementAndGet();
            long values = changing ? next : 1;
            var frame = new StringBuilder(1100).append("{\"type\":\"gpu_metrics\",\"worker_id\":").append(workerId)
                    .append(",\"seq\":").append(next).append(",\"timestamp\":\"")
                    .append(epoch == null ? Instant.now().truncatedTo(ChronoUnit.MILLIS) : epoch.plusSeconds(next))
                    .append("\",\"metrics\":[");
            for (int gpu = 0; gpu < GPUS; gpu++) {
                frame.append(gpu == 0 ? "" : ",").append("{\"gpu_index\":").append(gpu)
                        .append(",\"vram_used_mb\":").append(40_000 + values % 1000).append(",\"vram_total_mb\":81559")
                        .append(",\"temperature_celsius\":").append(40 + values % 20).append(",\"utilization_percent\":")
                        .append(values % 80).append(",\"power_draw_watts\":").append(300 + values % 200)
                        .append(",\"fan_speed_percent\":null}");
            }
            frame.append("]}");
            sentAt.put(next, System.nanoTime());
            socket.sendText(frame, true).join();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                var message = JSON.createReader(new StringReader(partial.toString())).readObject();
                partial.setLength(0);
                if ("ack".equals(message.getString("type"))) {
                    Long sent = sentAt.remove(message.getJsonNumber("seq").longValue());
                    if (sent != null) {
                        acks.add(new Ack(sent, System.nanoTime() - sent));
                    }
                    acked.incrementAndGet();
                    ackedFrames.get(workerId).incrementAndGet();
                    window.release();
                } else {
                    System.err.println("worker " + workerId + ": backend answered " + message);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (statusCode != WebSocket.NORMAL_CLOSURE) {
                lostConnections.incrementAndGet();
                System.err.println("worker " + workerId + " closed by backend: " + statusCode + " " + reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lostConnections.incrementAndGet();
            System.err.println("worker " + workerId + ": connection failed: " + error);
        }

        /** How many of its frames are still unacked at the deadline. */
        long awaitAllAcked(long deadlineNanos) throws InterruptedException {
            if (window.tryAcquire(IN_FLIGHT_PER_AGENT, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                window.release(IN_FLIGHT_PER_AGENT);
                return 0;
            }
            System.err.println("worker " + workerId + ": " + sentAt.size() + " frames never acked");
            return sentAt.size();
        }

        /** Closes what is still open: a socket the backend closed (counted as lost) must not end the run without its figures. */
        void close() {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(closedMeanwhile -> null).join();
            }
        }
    }

    /** Acked samples, stored rows, missing, duplicated: every acked sample must be stored once. */
    long[] exactlyOnce(String jdbcUrl) throws Exception {
        long ackedSamples = ackedFrames.values().stream().mapToLong(AtomicLong::get).sum() * GPUS;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
             var statement = connection.createStatement()) {
            long missing = 0;
            long stored = 0;
            for (var entry : ackedFrames.entrySet()) {
                try (var rows = statement.executeQuery("SELECT COUNT(*), COUNT(DISTINCT (recorded_at, gpu_index)) "
                        + "FROM gpu_metrics WHERE worker_id = " + entry.getKey())) {
                    rows.next();
                    stored += rows.getLong(1);
                    long expected = entry.getValue().get() * GPUS;
                    missing += Math.max(0, expected - rows.getLong(2));
                }
            }
            long duplicated = 0;
            try (var rows = statement.executeQuery("SELECT COUNT(*) - COUNT(DISTINCT (worker_id, recorded_at, gpu_index)) FROM gpu_metrics")) {
                rows.next();
                duplicated = rows.getLong(1);
            }
            return new long[] {ackedSamples, stored, missing, duplicated};
        }
    }

    /** A bench's work, given main's arguments. */
    interface Bench {
        void run(String[] args) throws Exception;
    }

    /**
     * Runs a bench and exits: 0 when it returned, 1 when it threw. Always by System.exit, because the HTTP client's
     * threads would keep the JVM alive either way; the scripts judge the figures it printed.
     */
    static void runAndExit(String[] args, Bench bench) {
        int status = 1;
        try {
            bench.run(args);
            status = 0;
        } catch (Throwable failed) {
            failed.printStackTrace();
        }
        System.exit(status);
    }

    static Map<String, String> options(String[] args, String... required) {
        var options = new java.util.HashMap<String, String>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        for (String name : required) {
            if (!options.containsKey(name)) {
                throw new IllegalArgumentException("--" + name + " is required");
            }
        }
        return options;
    }
}
