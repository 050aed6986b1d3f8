package com.trulience.bench;

import com.trulience.testing.Api;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Many agents at the production pace (not a test): {@code --agents} simulated agents (AgentLoad: real WebSocket
 * clients, a worker and token each, 8 GPUs) send one frame every {@code --interval-ms} for {@code --seconds}.
 * Prints {@code CONNECTED n} once every socket is open (scripts/verify-load samples the backend from then on),
 * then the ack latencies, the connections lost, and the exactly-once check of every acked sample.
 */
public final class LoadBench {

    public static void main(String[] args) throws Exception {
        var options = AgentLoad.options(args, "url", "admin-password", "jdbc-url");
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
        System.out.printf("LOST %d connections closed by the backend or failed%n", load.lostConnections.get());
        System.out.printf("EXACTLY-ONCE %d samples acked, %d rows stored, %d missing, %d duplicated%n",
                check[0], check[1], check[2], check[3]);
        System.exit(0);  // the HTTP client's threads would keep the JVM alive; scripts/verify-load judges the figures
    }
}
