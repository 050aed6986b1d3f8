package com.trulience.bench;

import com.trulience.testing.Api;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Scrape benchmark (not a test): 1,000 online workers x 8 GPUs, each with its latest sample and throttle reasons,
 * then p50/p95 of {@code GET /metrics} with the scrape token, as Prometheus asks for it (OpenMetrics), as plain text
 * 0.0.4, and as OpenMetrics with {@code Accept-Encoding: gzip} (which Prometheus sends too).
 * Run it through scripts/bench-prometheus.
 */
public final class ScrapeBench {

    private static final int WORKERS = 1_000;
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    /** As Prometheus scrapes: HTTP/1.1 on a kept connection (an h2c offer would cost a new connection per scrape). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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
            // As a real fleet's agents report them (NVML names the reasons on every card it knows): five series more per GPU.
            sql.execute("UPDATE gpu_metrics_latest SET sm_clock_mhz = 1410, throttle_reasons = CASE WHEN gpu_index = 0 THEN 4 ELSE 0 END");
            // A few GPUs with Xids, where this backend counts them (db/V19).
            sql.execute("DO $$ BEGIN IF to_regclass('gpu_xid_counts') IS NOT NULL THEN "
                    + "INSERT INTO gpu_xid_counts SELECT id, 3, x, 2, NOW(), NOW() FROM workers, unnest(ARRAY[13, 79]) x WHERE id % 50 = 0; "
                    + "END IF; END $$");
            sql.execute("ANALYZE");
        }
        var scraper = new Api(base, "Bearer " + options.get("token"));
        if (!scraper.get("metrics").body().contains("worker=\"gpu-node-1000\"")) {
            throw new IllegalStateException("the seeded workers are not in the scrape");
        }
        var scrape = new URL(base, "metrics").toURI();
        String authorization = "Bearer " + options.get("token");
        System.out.printf("GET /metrics, %d workers x 8 GPUs, OpenMetrics (as Prometheus asks): %s%n", WORKERS,
                timings(scrape, authorization, PROMETHEUS_ACCEPT, false, requests));
        System.out.printf("GET /metrics, %d workers x 8 GPUs, text 0.0.4: %s%n", WORKERS, timings(scrape, authorization, "text/plain", false, requests));
        System.out.printf("GET /metrics, %d workers x 8 GPUs, OpenMetrics, Accept-Encoding: gzip (as Prometheus asks): %s%n", WORKERS,
                timings(scrape, authorization, PROMETHEUS_ACCEPT, true, requests));
    }

    /** Timed to the last byte of the body, inflated where it came gzipped, as Prometheus must before it parses it. */
    private static String timings(URI scrape, String authorization, String accept, boolean gzip, int requests) throws Exception {
        var request = HttpRequest.newBuilder(scrape).timeout(Duration.ofSeconds(30)).header("Authorization", authorization).header("Accept", accept);
        if (gzip) {
            request.header("Accept-Encoding", "gzip");
        }
        for (int i = 0; i < 20; i++) {
            body(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
        }
        long[] nanos = new long[requests];
        HttpResponse<byte[]> response = null;
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            body(response);
            nanos[i] = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("/metrics answered " + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8));
            }
        }
        String encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
        String text = new String(body(response), StandardCharsets.UTF_8);
        long lines = text.lines().filter(line -> line.startsWith("trulience_gpu_")).count();
        Arrays.sort(nanos);
        return "p50 %.1f ms, p95 %.1f ms (%d scrapes, %,d GPU samples and %,d bytes each, %,d sent as %s)".formatted(nanos[requests / 2] / 1e6,
                nanos[(int) Math.ceil(requests * 0.95) - 1] / 1e6, requests, lines, text.length(), response.body().length, encoding);
    }

    private static byte[] body(HttpResponse<byte[]> response) throws Exception {
        if (!response.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
            return response.body();
        }
        try (var in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            return in.readAllBytes();
        }
    }
}
