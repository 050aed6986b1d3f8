package com.trulience.bench;

import com.trulience.metrics.control.WritePathBench;
import com.trulience.testing.Api;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
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
import org.postgresql.PGConnection;

/**
 * Ingestion benchmark (not a test): simulated agents with real WebSocket clients and tokens of their own, 8 GPUs
 * each, against a running backend; compared with a raw COPY of the same rows into the same database.
 * Run it through scripts/bench-ingest, which starts the backend.
 */
public final class IngestBench {

    private static final int GPUS = 8;
    private static final int IN_FLIGHT_PER_AGENT = 4;

    private final URL base;
    private final Api admin;
    private final String jdbcUrl;
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
    private final Instant epoch = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private final Map<Long, AtomicLong> ackedFrames = new ConcurrentHashMap<>();
    private final Map<Long, String> tokens = new ConcurrentHashMap<>();

    private IngestBench(URL base, String adminPassword, String jdbcUrl) {
        this.base = base;
        this.admin = Api.as(base, "admin", adminPassword);
        this.jdbcUrl = jdbcUrl;
    }

    public static void main(String[] args) throws Exception {
        var options = options(args);
        var bench = new IngestBench(new URL(options.get("url")), options.get("admin-password"), options.get("jdbc-url"));
        int agents = Integer.parseInt(options.getOrDefault("agents", "50"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "30"));
        int pacedAgents = Integer.parseInt(options.getOrDefault("paced-agents", "100"));
        int pacedSeconds = Integer.parseInt(options.getOrDefault("paced-seconds", "120"));

        System.out.printf("Saturation: %d agents x %d GPUs, up to %d frames in flight each, %d s%n", agents, GPUS, IN_FLIGHT_PER_AGENT, seconds);
        var saturated = bench.run(agents, seconds, 0);
        double maxRowsPerSecond = saturated.rows() / saturated.seconds();
        System.out.printf("  sustained: %,.0f rows/s (%,d frames acked)%n", maxRowsPerSecond, saturated.frames());

        long intervalMs = Math.max(1, Math.round(1000.0 * pacedAgents * GPUS / (maxRowsPerSecond / 2)));
        System.out.printf("Paced at half that rate: %d agents, one frame every %d ms each, %d s%n", pacedAgents, intervalMs, pacedSeconds);
        var paced = bench.run(pacedAgents, pacedSeconds, intervalMs);
        System.out.printf("  %,.0f rows/s, ack latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", paced.rows() / paced.seconds(),
                paced.percentileMs(50), paced.percentileMs(99), paced.percentileMs(100));

        double copyRowsPerSecond = bench.copyBaseline(saturated.rows());
        System.out.printf("Baseline: COPY of %,d rows into a copy of gpu_metrics (same indexes): %,.0f rows/s%n", saturated.rows(), copyRowsPerSecond);
        var check = bench.exactlyOnce();
        System.out.printf("Exactly once: %,d samples acked, %,d rows stored, %,d missing, %,d duplicated%n",
                check[0], check[1], check[2], check[3]);
        System.out.printf("Ratio sustained / COPY: %.2fx (target >= 0.5x)%n", maxRowsPerSecond / copyRowsPerSecond);
        double writePath = WritePathBench.rowsPerSecond(bench.jdbcUrl, List.copyOf(bench.ackedFrames.keySet()),
                (int) Math.min(saturated.frames(), 100_000), 50, bench.epoch.minus(Duration.ofDays(10)));
        System.out.printf("Storage path alone (same SQL, %d writers, groups of 50 frames, no WebSocket): %,.0f rows/s = %.2fx COPY%n",
                WritePathBench.WRITERS, writePath, writePath / copyRowsPerSecond);
        System.out.printf("Ack p99 at half rate: %.1f ms (target <= 250 ms)%n", paced.percentileMs(99));

        System.exit(check[2] == 0 && check[3] == 0 ? 0 : 1);
    }

    private record Result(long frames, long rows, double seconds, long[] latenciesNanos) {
        double percentileMs(int percentile) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int index = Math.min(latenciesNanos.length - 1, (int) Math.ceil(percentile / 100.0 * latenciesNanos.length) - 1);
            return latenciesNanos[Math.max(0, index)] / 1e6;
        }
    }

    /** intervalMs 0: as fast as acks allow. */
    private Result run(int agents, int seconds, long intervalMs) throws Exception {
        var clients = new ArrayList<SimulatedAgent>();
        for (int i = 0; i < agents; i++) {
            clients.add(new SimulatedAgent(register()));
        }
        var scheduler = Executors.newScheduledThreadPool(2);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        var workers = Executors.newFixedThreadPool(Math.min(agents, 64));
        for (var client : clients) {
            if (intervalMs == 0) {
                workers.submit(() -> client.sendFlatOut(end));
            } else {
                long offset = (long) (Math.random() * intervalMs);
                scheduler.scheduleAtFixedRate(() -> client.sendIfBefore(end), offset, intervalMs, TimeUnit.MILLISECONDS);
            }
        }
        workers.shutdown();
        workers.awaitTermination(seconds + 60, TimeUnit.SECONDS);
        while (System.nanoTime() < end) {
            Thread.sleep(100);
        }
        scheduler.shutdownNow();
        for (var client : clients) {
            client.awaitAllAcked();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long frames = clients.stream().mapToLong(client -> client.acked.get()).sum();
        long[] latencies = clients.stream().flatMapToLong(client -> client.latencies.stream().mapToLong(Long::longValue)).sorted().toArray();
        clients.forEach(SimulatedAgent::close);
        return new Result(frames, frames * GPUS, elapsed, latencies);
    }

    private long register() throws Exception {
        var response = admin.post("api/v1/admin/workers", "{\"name\":\"bench-" + System.nanoTime() + "\"}");
        if (response.statusCode() != 201) {
            throw new IllegalStateException("registration failed: " + response.body());
        }
        var body = Json.createReader(new StringReader(response.body())).readObject();
        long id = body.getJsonNumber("id").longValue();
        tokens.put(id, body.getString("token"));
        return id;
    }

    private final class SimulatedAgent implements WebSocket.Listener {

        private final long workerId;
        private final WebSocket socket;
        private final Semaphore window = new Semaphore(IN_FLIGHT_PER_AGENT);
        private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        private final AtomicLong acked = new AtomicLong();
        private final AtomicLong seq = new AtomicLong();
        private final StringBuilder partial = new StringBuilder();

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
            var frame = new StringBuilder(1100).append("{\"type\":\"gpu_metrics\",\"worker_id\":").append(workerId)
                    .append(",\"seq\":").append(next).append(",\"timestamp\":\"").append(epoch.plusSeconds(next))
                    .append("\",\"metrics\":[");
            for (int gpu = 0; gpu < GPUS; gpu++) {
                frame.append(gpu == 0 ? "" : ",").append("{\"gpu_index\":").append(gpu)
                        .append(",\"vram_used_mb\":").append(40_000 + next % 1000).append(",\"vram_total_mb\":81559")
                        .append(",\"temperature_celsius\":").append(50 + next % 30).append(",\"utilization_percent\":")
                        .append(next % 101).append(",\"power_draw_watts\":").append(300 + next % 400)
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
                var message = Json.createReader(new StringReader(partial.toString())).readObject();
                partial.setLength(0);
                if (!"ack".equals(message.getString("type"))) {
                    System.err.println("worker " + workerId + ": backend answered " + message);
                    webSocket.request(1);
                    return null;
                }
                Long sent = sentAt.remove(message.getJsonNumber("seq").longValue());
                if (sent != null) {
                    latencies.add(System.nanoTime() - sent);
                }
                acked.incrementAndGet();
                ackedFrames.get(workerId).incrementAndGet();
                window.release();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (statusCode != WebSocket.NORMAL_CLOSURE) {
                System.err.println("worker " + workerId + " closed by backend: " + statusCode + " " + reason);
            }
            return null;
        }

        void awaitAllAcked() throws InterruptedException {
            if (!window.tryAcquire(IN_FLIGHT_PER_AGENT, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("worker " + workerId + ": " + sentAt.size() + " frames never acked");
            }
            window.release(IN_FLIGHT_PER_AGENT);
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    /** COPY of the same number of rows into a table like gpu_metrics, indexes included, in the same database. */
    private double copyBaseline(long rows) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            try (var statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS bench_copy");
                statement.execute("CREATE TABLE bench_copy (LIKE gpu_metrics INCLUDING DEFAULTS INCLUDING INDEXES)");
            }
            var data = new StringBuilder();
            for (long row = 0; row < rows; row++) {
                long frame = row / GPUS;
                data.append(1 + frame % 1000).append('\t').append(row % GPUS).append('\t').append(40_000 + frame % 1000)
                        .append("\t81559\t").append(50 + frame % 30).append('\t').append(frame % 101).append('\t')
                        .append(300 + frame % 400).append("\t\\N\t").append(epoch.plusSeconds(frame / 1000 + 1)).append('\n');
            }
            var copy = connection.unwrap(PGConnection.class).getCopyAPI();
            long start = System.nanoTime();
            copy.copyIn("COPY bench_copy (worker_id, gpu_index, vram_used_mb, vram_total_mb, temperature_celsius, "
                    + "utilization_percent, power_draw_watts, fan_speed_percent, recorded_at) FROM STDIN", new java.io.StringReader(data.toString()));
            double seconds = (System.nanoTime() - start) / 1e9;
            try (var statement = connection.createStatement()) {
                statement.execute("DROP TABLE bench_copy");
            }
            return rows / seconds;
        }
    }

    /** acked samples, stored rows, missing, duplicated. */
    private long[] exactlyOnce() throws Exception {
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

    private static Map<String, String> options(String[] args) {
        var options = new java.util.HashMap<String, String>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        for (String required : List.of("url", "admin-password", "jdbc-url")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        return options;
    }
}
