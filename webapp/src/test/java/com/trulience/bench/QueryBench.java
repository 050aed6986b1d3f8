package com.trulience.bench;

import com.trulience.retention.control.Retention;
import com.trulience.testing.Api;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Query and retention benchmark (not a test): 1,000 workers x 8 GPUs and >= 5M raw rows; p50/p95 of the current
 * view (before and after the raw rows exist, to show it stays flat), of a 24 h history, and of a retention pass,
 * and the ingestion ack latency while the pass runs. Each time is the client's and the server's (see
 * {@link AccessLogTimes}). Run it through scripts/bench-queries.
 */
public final class QueryBench {

    private static final int WORKERS = 1_000;

    public static void main(String[] args) throws Exception {
        var options = AgentLoad.options(args, "url", "admin-password", "jdbc-url", "access-log");
        var base = new URL(options.get("url"));
        var admin = Api.as(base, "admin", options.get("admin-password"));
        var serverTimes = new AccessLogTimes(Path.of(options.get("access-log")));
        String jdbcUrl = options.get("jdbc-url");
        int samplesPerGpu = Integer.parseInt(options.getOrDefault("samples-per-gpu", "650"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        try (var db = DriverManager.getConnection(jdbcUrl, "postgres", ""); var sql = db.createStatement()) {
            sql.execute("INSERT INTO workers (name, hostname, interval_seconds, online, last_seen_at) "
                    + "SELECT 'q-' || w, 'q-' || w, 5, true, NOW() FROM generate_series(1, " + WORKERS + ") w");
            sql.execute("INSERT INTO worker_gpus SELECT id, g, 'NVIDIA H100 80GB HBM3', 'GPU-' || id || '-' || g, 700 "
                    + "FROM workers, generate_series(0, 7) g WHERE name LIKE 'q-%'");
            sql.execute("INSERT INTO gpu_metrics_latest SELECT id, g, 40000, 81559, 60, 90, 500, NULL, '" + now + "' "
                    + "FROM workers, generate_series(0, 7) g WHERE name LIKE 'q-%'");
            sql.execute("ANALYZE");
        }
        System.out.printf("current, %d workers x 8 GPUs, no raw rows yet: %s%n", WORKERS, timings(admin, serverTimes, "current-empty", "api/v1/admin/workers/metrics/current", 200));

        long seedStart = System.nanoTime();
        try (var db = DriverManager.getConnection(jdbcUrl, "postgres", ""); var sql = db.createStatement()) {
            // Every worker's GPUs sampled over the last 26 h (so that 2 hours are old enough to fold), and one
            // worker, q-1, every 5 s for the last 24 h: the history the benchmark asks for.
            long spacing = Duration.ofHours(26).toSeconds() / samplesPerGpu;
            sql.execute("INSERT INTO gpu_metrics (worker_id, gpu_index, vram_used_mb, vram_total_mb, temperature_celsius, "
                    + "utilization_percent, power_draw_watts, fan_speed_percent, recorded_at) "
                    + "SELECT w.id, g, 40000 + s % 1000, 81559, 40 + s % 45, s % 101, 200 + s % 500, NULL, '" + now
                    + "'::timestamptz - make_interval(secs => s * " + spacing + " + w.id % " + spacing + ") "
                    + "FROM workers w, generate_series(0, 7) g, generate_series(1, " + samplesPerGpu + ") s "
                    + "WHERE w.name LIKE 'q-%' AND w.name <> 'q-1'");
            sql.execute("INSERT INTO gpu_metrics (worker_id, gpu_index, vram_used_mb, vram_total_mb, temperature_celsius, "
                    + "utilization_percent, power_draw_watts, fan_speed_percent, recorded_at) "
                    + "SELECT w.id, g, 40000, 81559, 40 + s % 45, s % 101, 300, NULL, '" + now + "'::timestamptz - make_interval(secs => s * 5) "
                    + "FROM workers w, generate_series(0, 7) g, generate_series(1, 17280) s WHERE w.name = 'q-1'");
            // What BatchWriter would have written at ingestion (db/V18), for rows seeded by SQL, laid out as
            // ingestion lays it out: in time order, each minute's rows of the whole fleet together and a worker's
            // GPUs side by side (its frame is one statement). Grouped without an order, each of one worker's rows
            // sat on its own page. And the summaries begun before the day asked for, so that History plans it on them.
            sql.execute("INSERT INTO gpu_metrics_minute SELECT worker_id, gpu_index, date_trunc('minute', recorded_at, 'UTC'), COUNT(*), "
                    + "MAX(vram_used_mb), SUM(vram_used_mb), MAX(vram_total_mb), MAX(temperature_celsius), SUM(temperature_celsius), "
                    + "MAX(utilization_percent), SUM(utilization_percent), COUNT(power_draw_watts), MAX(power_draw_watts), "
                    + "SUM(power_draw_watts), COUNT(fan_speed_percent), SUM(fan_speed_percent), COUNT(sm_clock_mhz), SUM(sm_clock_mhz), "
                    + "COUNT(memory_temperature_celsius), SUM(memory_temperature_celsius) FROM gpu_metrics GROUP BY 1, 2, 3 ORDER BY 3, 1, 2");
            sql.execute("UPDATE minute_rollup_start SET started_at = '" + now + "'::timestamptz - INTERVAL '25 hours'");
            sql.execute("ANALYZE");
            try (var rows = sql.executeQuery("SELECT COUNT(*) FROM gpu_metrics")) {
                rows.next();
                System.out.printf("seeded %,d raw rows in %.0f s%n", rows.getLong(1), (System.nanoTime() - seedStart) / 1e9);
            }
        }
        System.out.printf("current, %d workers x 8 GPUs, with the raw rows: %s%n", WORKERS, timings(admin, serverTimes, "current-full", "api/v1/admin/workers/metrics/current", 200));
        long q1;
        try (var db = DriverManager.getConnection(jdbcUrl, "postgres", ""); var sql = db.createStatement();
             var rows = sql.executeQuery("SELECT id FROM workers WHERE name = 'q-1'")) {
            rows.next();
            q1 = rows.getLong(1);
        }
        String day = "api/v1/admin/workers/" + q1 + "/metrics?since=" + now.minus(Duration.ofHours(24)) + "&until=" + now;
        System.out.printf("history, 24 h of one worker sampled every 5 s (8 GPUs, bucketed to <= 2,000 points each; one-minute buckets from gpu_metrics_minute where it exists): %s%n", timings(admin, serverTimes, "history-day", day, 100));

        if (options.getOrDefault("retention", "true").equals("false")) {
            System.exit(0);
        }
        // Retention while agents keep sending: the ack latency of the frames sent during the pass.
        var load = new AgentLoad(base, admin, now.minus(Duration.ofMinutes(30)));
        int agents = Integer.parseInt(options.getOrDefault("agents", "100"));
        var running = CompletableFuture.supplyAsync(() -> {
            try {
                return load.run(agents, 60, 1_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(20_000);
        long passStart = System.nanoTime();
        Retention.Summary summary;
        try (var db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            summary = Retention.run(db, Instant.now(), Duration.ofHours(24), Duration.ofDays(90));
        }
        long passEnd = System.nanoTime();
        var result = running.join();
        System.out.printf("retention pass: %s%n", summary);
        System.out.printf("ingestion (%d agents x 8 GPUs, one frame per second each) during the pass (%.1f s, %d frames): "
                        + "ack p50 %.1f ms, p99 %.1f ms, max %.1f ms; over the whole 60 s: p99 %.1f ms%n",
                agents, (passEnd - passStart) / 1e9, result.count(passStart, passEnd), result.percentileMs(50, passStart, passEnd),
                result.percentileMs(99, passStart, passEnd), result.percentileMs(100, passStart, passEnd), result.percentileMs(99));
        System.exit(0);
    }

    /**
     * Client times (over loopback, with the transfer and reading the body) and the server's, from its access log,
     * over both protocols the backend speaks on plain HTTP: HTTP/1.1, as nginx (proxy_http_version 1.1), curl and
     * browsers talk to it, and h2c, to which the JDK client upgrades by default (the figures before 2026-12-02).
     */
    private static String timings(Api admin, AccessLogTimes serverTimes, String label, String path, int requests)
            throws Exception {
        return "%n    HTTP/1.1: %s%n    h2c:      %s".formatted(
                timings(admin, serverTimes, label + "-http1", HttpClient.Version.HTTP_1_1, path, requests),
                timings(admin, serverTimes, label + "-h2c", HttpClient.Version.HTTP_2, path, requests));
    }

    private static String timings(Api admin, AccessLogTimes serverTimes, String label, HttpClient.Version version,
                                  String path, int requests) throws Exception {
        var client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 20; i++) {
            get(client, admin, path, label + "-warm-up-" + i);
        }
        long[] nanos = new long[requests];
        var tags = new ArrayList<String>();
        long bytes = 0;
        HttpClient.Version spoken = null;
        for (int i = 0; i < requests; i++) {
            String tag = label + "-" + i;
            tags.add(tag);
            long start = System.nanoTime();
            var response = get(client, admin, path, tag);
            nanos[i] = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
            bytes = response.body().length();
            spoken = response.version();
        }
        long[] serverMillis = serverTimes.await(tags);
        Arrays.sort(nanos);
        Arrays.sort(serverMillis);
        int p50 = requests / 2;
        int p95 = (int) Math.ceil(requests * 0.95) - 1;
        return "p50 %.1f ms, p95 %.1f ms (%d requests, %,d bytes each, answered over %s); server's time-taken p50 %d ms, p95 %d ms"
                .formatted(nanos[p50] / 1e6, nanos[p95] / 1e6, requests, bytes, spoken, serverMillis[p50], serverMillis[p95]);
    }

    private static HttpResponse<String> get(HttpClient client, Api admin, String path, String tag) throws Exception {
        var request = HttpRequest.newBuilder(new URL(admin.base(), path).toURI()).timeout(Duration.ofSeconds(10))
                .header("Authorization", admin.authorization()).header(AccessLogTimes.HEADER, tag).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
