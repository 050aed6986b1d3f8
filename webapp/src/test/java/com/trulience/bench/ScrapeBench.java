package com.trulience.bench;

import com.trulience.testing.Api;
import java.net.URL;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * Scrape benchmark (not a test): 1,000 online workers x 8 GPUs, each with its latest sample, then p50/p95 of
 * {@code GET /metrics} with the scrape token, as Prometheus asks for it (OpenMetrics) and as plain text 0.0.4.
 * Run it through scripts/bench-prometheus.
 */
public final class ScrapeBench {

    private static final int WORKERS = 1_000;

    public static void main(String[] args) throws Exception {
        var options = AgentLoad.options(args, "url", "token", "jdbc-url");
        var base = new URL(options.get("url"));
        int requests = Integer.parseInt(options.getOrDefault("requests", "200"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // A one-hour interval: the backend's silence timer would mark workers offline that report every 5 s but send nothing.
        try (var db = DriverManager.getConnection(options.get("jdbc-url"), "postgres", ""); var sql = db.createStatement()) {
            sql.execute("INSERT INTO workers (name, hostname, interval_seconds, online, last_seen_at) "
                    + "SELECT 'gpu-node-' || w, 'gpu-node-' || w || '.dc1.example.com', 3600, true, NOW() FROM generate_series(1, " + WORKERS + ") w");
            sql.execute("INSERT INTO worker_gpus SELECT id, g, 'NVIDIA H100 80GB HBM3', 'GPU-' || md5(id || '-' || g), 700 "
                    + "FROM workers, generate_series(0, 7) g");
            sql.execute("INSERT INTO gpu_metrics_latest SELECT id, g, 40000 + g, 81559, 60 + g, 90, 500, 40, '" + now + "' "
                    + "FROM workers, generate_series(0, 7) g");
            sql.execute("ANALYZE");
        }
        var scraper = new Api(base, "Bearer " + options.get("token"));
        if (!scraper.get("metrics").body().contains("worker=\"gpu-node-1000\"")) {
            throw new IllegalStateException("the seeded workers are not in the scrape");
        }
        System.out.printf("GET /metrics, %d workers x 8 GPUs, OpenMetrics (as Prometheus asks): %s%n", WORKERS,
                timings(scraper, "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", requests));
        System.out.printf("GET /metrics, %d workers x 8 GPUs, text 0.0.4: %s%n", WORKERS, timings(scraper, "text/plain", requests));
    }

    private static String timings(Api scraper, String accept, int requests) throws Exception {
        for (int i = 0; i < 20; i++) {
            scraper.get("metrics", accept);
        }
        long[] nanos = new long[requests];
        long bytes = 0;
        long lines = 0;
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            var response = scraper.get("metrics", accept);
            nanos[i] = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("/metrics answered " + response.statusCode() + ": " + response.body());
            }
            bytes = response.body().length();
            lines = response.body().lines().filter(line -> line.startsWith("trulience_gpu_")).count();
        }
        Arrays.sort(nanos);
        return "p50 %.1f ms, p95 %.1f ms (%d scrapes, %,d GPU samples and %,d bytes each)".formatted(nanos[requests / 2] / 1e6,
                nanos[(int) Math.ceil(requests * 0.95) - 1] / 1e6, requests, lines, bytes);
    }
}
