package com.trulience.bench;

import com.trulience.metrics.control.WritePathBench;
import com.trulience.testing.Api;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Ingestion benchmark (not a test): simulated agents with real WebSocket clients and tokens of their own, 8 GPUs
 * each, against a running backend; compared with a raw COPY of the same rows into the same database.
 * Run it through scripts/bench-ingest, which starts the backend.
 */
public final class IngestBench {

    private static final int GPUS = AgentLoad.GPUS;

    private final String jdbcUrl;
    private final Instant epoch = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private final AgentLoad load;

    private IngestBench(URL base, String adminPassword, String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
        this.load = new AgentLoad(base, Api.as(base, "admin", adminPassword), epoch);
    }

    public static void main(String[] args) throws Exception {
        var options = AgentLoad.options(args, "url", "admin-password", "jdbc-url");
        var bench = new IngestBench(new URL(options.get("url")), options.get("admin-password"), options.get("jdbc-url"));
        int agents = Integer.parseInt(options.getOrDefault("agents", "50"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "30"));
        int pacedAgents = Integer.parseInt(options.getOrDefault("paced-agents", "100"));
        int pacedSeconds = Integer.parseInt(options.getOrDefault("paced-seconds", "120"));

        System.out.printf("Saturation: %d agents x %d GPUs, up to %d frames in flight each, %d s%n", agents, GPUS, AgentLoad.IN_FLIGHT_PER_AGENT, seconds);
        var saturated = bench.load.run(agents, seconds, 0);
        double maxRowsPerSecond = saturated.rows() / saturated.seconds();
        System.out.printf("  sustained: %,.0f rows/s (%,d frames acked)%n", maxRowsPerSecond, saturated.frames());

        long intervalMs = Math.max(1, Math.round(1000.0 * pacedAgents * GPUS / (maxRowsPerSecond / 2)));
        System.out.printf("Paced at half that rate: %d agents, one frame every %d ms each, %d s%n", pacedAgents, intervalMs, pacedSeconds);
        var paced = bench.load.run(pacedAgents, pacedSeconds, intervalMs);
        System.out.printf("  %,.0f rows/s, ack latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", paced.rows() / paced.seconds(),
                paced.percentileMs(50), paced.percentileMs(99), paced.percentileMs(100));

        double copyRowsPerSecond = bench.copyBaseline(saturated.rows());
        System.out.printf("Baseline: COPY of %,d rows into a copy of gpu_metrics (same indexes): %,.0f rows/s%n", saturated.rows(), copyRowsPerSecond);
        var check = bench.load.exactlyOnce(bench.jdbcUrl);
        System.out.printf("Exactly once: %,d samples acked, %,d rows stored, %,d missing, %,d duplicated%n",
                check[0], check[1], check[2], check[3]);
        System.out.printf("Ratio sustained / COPY: %.2fx (target >= 0.5x)%n", maxRowsPerSecond / copyRowsPerSecond);
        double writePath = WritePathBench.rowsPerSecond(bench.jdbcUrl, List.copyOf(bench.load.ackedFrames.keySet()),
                (int) Math.min(saturated.frames(), 100_000), 50, bench.epoch.minus(Duration.ofDays(10)));
        System.out.printf("Storage path alone (same SQL, %d writers, groups of 50 frames, no WebSocket): %,.0f rows/s = %.2fx COPY%n",
                WritePathBench.WRITERS, writePath, writePath / copyRowsPerSecond);
        System.out.printf("Ack p99 at half rate: %.1f ms (target <= 250 ms)%n", paced.percentileMs(99));

        System.exit(check[2] == 0 && check[3] == 0 ? 0 : 1);
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
}
