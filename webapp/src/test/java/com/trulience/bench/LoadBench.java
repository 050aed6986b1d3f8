package com.trulience.bench;

import com.trulience.testing.Api;
import jakarta.json.Json;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Many agents at the production pace (not a test): {@code --agents} simulated agents (AgentLoad: real WebSocket
 * clients, a worker and token each, 8 GPUs) send one frame every {@code --interval-ms} for {@code --seconds}.
 * Prints {@code CONNECTED n} once every socket is open (scripts/verify-load samples the backend from then on),
 * then the ack latencies, the connections lost, and the exactly-once check of every acked sample; the same
 * figures as one JSON object in {@code --result FILE}, which scripts/verify-load reads.
 */
public final class LoadBench {

    public static void main(String[] args) {
        AgentLoad.runAndExit(args, LoadBench::run);
    }

    private static void run(String[] args) throws Exception {
        var options = AgentLoad.options(args, "url", "admin-password", "jdbc-url", "result");
        var base = new URL(options.get("url"));
        int agents = Integer.parseInt(options.getOrDefault("agents", "1000"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "600"));
        long intervalMs = Long.parseLong(options.getOrDefault("interval-ms", "5000"));
        var load = new AgentLoad(base, Api.as(base, "admin", options.get("admin-password")),
                Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS));

        long start = System.nanoTime();
        var result = load.run(agents, seconds, intervalMs, () -> {
            System.out.printf("CONNECTED %d (registered and connected in %.1f s)%n", agents, (System.nanoTime() - start) / 1e9);
            System.out.flush();
        });
        var check = load.exactlyOnce(options.get("jdbc-url"));
        System.out.printf("FRAMES %d acked, %.1f frames/s%n", result.frames(), result.frames() / result.seconds());
        System.out.printf("ACKS p50 %.1f p99 %.1f max %.1f ms%n", result.percentileMs(50), result.percentileMs(99),
                result.percentileMs(100));
        System.out.printf("LOST %d connections closed by the backend or failed, %d frames never acked%n",
                load.lostConnections.get(), result.neverAcked());
        System.out.printf("EXACTLY-ONCE %d samples acked, %d rows stored, %d missing, %d duplicated%n",
                check[0], check[1], check[2], check[3]);
        String json = Json.createObjectBuilder().add("agents", agents).add("seconds", result.seconds())
                .add("frames_acked", result.frames()).add("ack_p50_ms", result.percentileMs(50))
                .add("ack_p99_ms", result.percentileMs(99)).add("ack_max_ms", result.percentileMs(100))
                .add("connections_lost", load.lostConnections.get()).add("frames_never_acked", result.neverAcked())
                .add("samples_acked", check[0])
                .add("rows_stored", check[1]).add("missing", check[2]).add("duplicated", check[3]).build().toString();
        Path file = Path.of(options.get("result"));
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, json + "\n");
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
