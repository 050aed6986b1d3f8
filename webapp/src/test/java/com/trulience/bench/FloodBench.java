package com.trulience.bench;

import com.trulience.testing.Api;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Attacks while well-behaved agents run (not a test; scripts/verify-auth-flood judges the figures): AgentLoad's
 * {@code --agents} agents send a frame every {@code --interval-ms} for {@code --seconds} while either
 * {@code --guessers} clients guess the admin's password over HTTP Basic as fast as they are answered
 * ({@code --attack passwords}), or one worker's token opens {@code --sockets} sockets and floods batches from all of
 * them, reconnecting whenever one is closed ({@code --attack token}). Prints the answers the attackers got, the
 * agents' ack latencies, connections lost, offline alerts opened while they ran, and the exactly-once check.
 * {@code --role agents} runs only the agents (and prints {@code ATTACK ... started} once they are connected),
 * {@code --role attacker} only the attack for {@code --seconds}: two JVMs, so that the script can run the attacker
 * at a lower priority, as if on a machine of its own, instead of letting it take the cores the agents measure on.
 */
public final class FloodBench {

    /** HTTP/1.1 keeps the guessers' connections open: an h2c offer is answered with the connection closed. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(8)).connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) {
        AgentLoad.runAndExit(args, FloodBench::run);
    }

    private static void run(String[] args) throws Exception {
        var options = AgentLoad.options(args, "url", "admin-password", "jdbc-url", "attack");
        var base = new URL(options.get("url"));
        int agents = Integer.parseInt(options.getOrDefault("agents", "20"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));
        long intervalMs = Long.parseLong(options.getOrDefault("interval-ms", "1000"));
        var admin = Api.as(base, "admin", options.get("admin-password"));
        var load = new AgentLoad(base, admin, Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS));
        var answers = new ConcurrentHashMap<String, AtomicLong>();
        var attackers = Executors.newCachedThreadPool();
        var attackUntil = new AtomicLong(Long.MAX_VALUE);
        var started = new CompletableFuture<Instant>();
        String role = options.getOrDefault("role", "both");
        if (!role.matches("both|agents|attacker")) {
            throw new IllegalArgumentException("--role both|agents|attacker");
        }

        Runnable attack = role.equals("agents") ? () -> { } : switch (options.get("attack")) {
            case "passwords" -> {
                int guessers = Integer.parseInt(options.getOrDefault("guessers", "32"));
                yield () -> {
                    for (int i = 0; i < guessers; i++) {
                        attackers.submit(() -> guess(base, attackUntil, answers));
                    }
                };
            }
            case "token" -> {
                int sockets = Integer.parseInt(options.getOrDefault("sockets", "100"));
                var flooder = admin.registerWorker("flooder-" + System.nanoTime());
                yield () -> {
                    for (int i = 0; i < sockets; i++) {
                        attackers.submit(() -> flood(base, flooder, attackUntil, answers));
                    }
                };
            }
            default -> throw new IllegalArgumentException("--attack passwords|token");
        };
        if (role.equals("attacker")) {
            attackUntil.set(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
            attack.run();
            TimeUnit.SECONDS.sleep(seconds);
            attackers.shutdownNow();
            System.out.printf("ANSWERS %s%n", new java.util.TreeMap<>(answers));
            return;
        }
        var result = load.run(agents, seconds, intervalMs, () -> {
            attackUntil.set(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
            started.complete(Instant.now());
            attack.run();
            System.out.printf("ATTACK %s started with %d agents running%n", options.get("attack"), agents);
            System.out.flush();
        });
        attackers.shutdownNow();
        Instant from = started.get();
        Instant to = from.plusSeconds(seconds);
        var check = load.exactlyOnce(options.get("jdbc-url"));
        long offlineAlerts;
        try (var connection = DriverManager.getConnection(options.get("jdbc-url"), "postgres", "");
             var statement = connection.prepareStatement("SELECT COUNT(*) FROM alerts WHERE metric_name = 'worker_offline' "
                     + "AND opened_at BETWEEN ? AND ? AND worker_id IN (SELECT id FROM workers WHERE name LIKE 'bench-%')")) {
            statement.setTimestamp(1, Timestamp.from(from));
            statement.setTimestamp(2, Timestamp.from(to));
            var rows = statement.executeQuery();
            rows.next();
            offlineAlerts = rows.getLong(1);
        }
        if (role.equals("both")) {
            System.out.printf("ANSWERS %s%n", new java.util.TreeMap<>(answers));
        }
        System.out.printf("FRAMES %d acked, %.1f frames/s%n", result.frames(), result.frames() / result.seconds());
        System.out.printf("ACKS p50 %.1f p99 %.1f max %.1f ms%n", result.percentileMs(50), result.percentileMs(99),
                result.percentileMs(100));
        System.out.printf("LOST %d connections closed by the backend or failed, %d frames never acked%n",
                load.lostConnections.get(), result.neverAcked());
        System.out.printf("OFFLINE-ALERTS %d%n", offlineAlerts);
        System.out.printf("EXACTLY-ONCE %d samples acked, %d rows stored, %d missing, %d duplicated%n",
                check[0], check[1], check[2], check[3]);
    }

    private static void guess(URL base, AtomicLong until, Map<String, AtomicLong> answers) {
        long n = 0;
        while (System.nanoTime() < until.get() && !Thread.currentThread().isInterrupted()) {
            String credentials = "admin:guess-" + Thread.currentThread().getId() + "-" + n++;
            try {
                var response = HTTP.send(HttpRequest.newBuilder(new URL(base, "api/v1/admin/workers").toURI())
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()))
                        .build(), HttpResponse.BodyHandlers.discarding());
                answers.computeIfAbsent("HTTP " + response.statusCode(), k -> new AtomicLong()).incrementAndGet();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                answers.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    /** One of the token's sockets: connect, send 8-GPU batches without waiting for acks until closed, again. */
    private static void flood(URL base, Api.RegisteredWorker flooder, AtomicLong until, Map<String, AtomicLong> answers) {
        var uri = URI.create(base.toString().replaceFirst("^http", "ws") + "ws/metrics");
        long seq = 0;
        while (System.nanoTime() < until.get() && !Thread.currentThread().isInterrupted()) {
            var closed = new CompletableFuture<String>();
            WebSocket socket;
            try {
                socket = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + flooder.token())
                        .buildAsync(uri, new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                webSocket.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
                                closed.complete(code + " " + reason);
                                return null;
                            }

                            @Override
                            public void onError(WebSocket webSocket, Throwable error) {
                                closed.complete("error");
                            }
                        }).get(10, TimeUnit.SECONDS);
                answers.computeIfAbsent("flood sockets opened", k -> new AtomicLong()).incrementAndGet();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                answers.computeIfAbsent("flood handshake failed", k -> new AtomicLong()).incrementAndGet();
                continue;
            }
            try {
                while (!closed.isDone() && System.nanoTime() < until.get()) {
                    // the same few timestamps over and over: a clone replaying the worker's batches
                    socket.sendText(batch(flooder.id(), seq, Instant.now().minusSeconds(60 + seq % 50).truncatedTo(ChronoUnit.SECONDS)), true)
                            .get(10, TimeUnit.SECONDS);
                    seq++;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception sendFailedAsItClosed) {
                // counted below
            }
            answers.computeIfAbsent("flood closed: " + closed.getNow("by us"), k -> new AtomicLong()).incrementAndGet();
            socket.abort();
        }
    }

    private static String batch(long workerId, long seq, Instant taken) {
        var metrics = new StringBuilder();
        for (int gpu = 0; gpu < AgentLoad.GPUS; gpu++) {
            metrics.append(gpu == 0 ? "" : ",").append("{\"gpu_index\":").append(gpu).append(",\"vram_used_mb\":1000,"
                    + "\"vram_total_mb\":81559,\"temperature_celsius\":50,\"utilization_percent\":10,"
                    + "\"power_draw_watts\":100,\"fan_speed_percent\":null}");
        }
        return "{\"type\":\"gpu_metrics\",\"worker_id\":" + workerId + ",\"seq\":" + seq + ",\"timestamp\":\"" + taken
                + "\",\"metrics\":[" + metrics + "]}";
    }
}
