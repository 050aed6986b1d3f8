package com.trulience.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Deployed;
import com.trulience.testing.Pbkdf2;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /metrics}, Alertmanager notifications and {@code /openapi} on the deployed WAR: who may scrape, what a
 * scrape says about a real agent's samples (checked by promtool when it is installed), an offline worker's GPUs
 * leaving the scrape, and a hot GPU's alert reaching a loopback stand-in for Alertmanager's API v2, re-sent while
 * open and ended when resolved. verify-prometheus does the same against the real Prometheus and Alertmanager.
 */
@ExtendWith(ArquillianExtension.class)
class PrometheusIT extends Deployed {

    private static final String DATABASE = "trulience_it_prometheus";
    private static final String ADMIN_PASSWORD = "prometheus-admin-password";
    private static final String VIEWER_PASSWORD = "prometheus-viewer-password";
    private static final String SCRAPE_TOKEN = "scrape-token-0123456789abcdef";
    /** Prometheus scrapes in plain HTTP/1.1, never offering h2c (see Api.HTTP for what such an offer gets). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final AlertmanagerStandIn ALERTMANAGER = AlertmanagerStandIn.start();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of(
                "trulience.metrics.token", SCRAPE_TOKEN,
                "alertmanager.url", ALERTMANAGER.url(),
                "alertmanager.resend.seconds", "1",
                "trulience.public.url", "http://127.0.0.1:18490"));
    }

    @AfterAll
    static void stopAlertmanager() {
        ALERTMANAGER.close();
    }

    private HttpResponse<String> scrape(String authorization, String accept) throws Exception {
        return scrape("metrics", authorization, accept);
    }

    private HttpResponse<String> scrape(String path, String authorization, String accept) throws Exception {
        var request = HttpRequest.newBuilder(new java.net.URL(base, path).toURI()).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    @Test
    void acceptanceScrapingNeedsTheTokenOrAViewersCredentials() throws Exception {
        for (String refused : new String[] {null, "Bearer wrong-token", Api.basic("admin", "wrong"), "Digest x"}) {
            var response = scrape(refused, null);
            assertEquals(401, response.statusCode(), "with " + refused);
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), response.headers().toString());
            assertTrue(response.body().contains("\"status\":401"), response.body());
            var challenges = response.headers().allValues("WWW-Authenticate");
            assertTrue(challenges.stream().anyMatch(c -> c.startsWith("Bearer")) && challenges.stream().anyMatch(c -> c.startsWith("Basic")), challenges.toString());
        }
        assertEquals(401, scrape("metrics/base", null, null).statusCode(), "Payara's own metrics below /metrics are not public either");

        Pbkdf2.addUser(DATABASE, "viewer", VIEWER_PASSWORD, "viewer");
        for (String allowed : new String[] {"Bearer " + SCRAPE_TOKEN, "bearer " + SCRAPE_TOKEN, Api.basic("viewer", VIEWER_PASSWORD), Api.basic("admin", ADMIN_PASSWORD)}) {
            var response = scrape(allowed, null);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        }
    }

    @Test
    void aScrapeShowsTheAgentsSamplesInBaseUnitsAndTheNodesOwnFigures() throws Exception {
        var worker = admin().registerWorker("prom-hot");
        try (var agent = AgentClient.connect(base, worker.token())) {
            hello(agent, worker.id(), "prom-hot-host");
            sample(agent, worker.id(), 1, Instant.now(), 67, 30);

            String text = scrape("Bearer " + SCRAPE_TOKEN, null).body();
            String labels = "{gpu=\"0\",hostname=\"prom-hot-host\",model=\"NVIDIA H100 80GB HBM3\",uuid=\"GPU-p0\",worker=\"prom-hot\"}";
            assertTrue(text.contains("trulience_gpu_temperature_celsius" + labels + " 67.0\n"), text);
            assertTrue(text.contains("trulience_gpu_memory_used_bytes" + labels + " 4.2166386688E10\n"), text);
            assertTrue(text.contains("trulience_gpu_memory_total_bytes" + labels + " 8.5520809984E10\n"), text);
            assertTrue(text.contains("trulience_gpu_utilization_ratio" + labels + " 0.97\n"), text);
            assertTrue(text.contains("trulience_gpu_power_watts" + labels + " 512.0\n"), text);
            assertTrue(text.contains("trulience_gpu_power_limit_watts" + labels + " 700.0\n"), text);
            assertTrue(text.contains("trulience_gpu_fan_ratio" + labels + " 0.3\n"), text);
            assertTrue(text.contains("trulience_gpu_sample_age_seconds" + labels + " "), text);
            assertTrue(text.contains("trulience_worker_up{hostname=\"prom-hot-host\",worker=\"prom-hot\"} 1.0\n"), text);
            assertTrue(text.contains("trulience_alerts_open{severity=\"critical\"} "), text);
            for (String figure : List.of("trulience_backend_frames_ingested_total{node=\"", "trulience_backend_rows_ingested_total{node=\"",
                    "trulience_backend_ack_latency_seconds_bucket{node=\"", "trulience_backend_agents_connected{node=\"",
                    "trulience_backend_write_queue_depth{node=\"", "trulience_backend_retention_pass_duration_seconds{node=\"",
                    "trulience_backend_retention_last_success_timestamp_seconds{node=\"")) {
                assertTrue(text.contains(figure), figure + " in " + text);
            }
            assertTrue(text.contains(",type=\"gpu_metrics\"} "), text);
            assertFalse(text.lines().anyMatch(line -> line.startsWith("trulience_gpu_") && line.substring(line.lastIndexOf('}') + 1).strip().contains(" ")),
                    "no sample carries a timestamp: " + text);

            var openMetrics = scrape("Bearer " + SCRAPE_TOKEN, "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
            assertTrue(openMetrics.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"), openMetrics.headers().toString());
            assertTrue(openMetrics.body().contains("# UNIT trulience_gpu_temperature_celsius celsius\n"), openMetrics.body());
            assertTrue(openMetrics.body().endsWith("# EOF\n"), openMetrics.body());

            // Prometheus sends Accept-Encoding: gzip.
            var gzipped = HTTP.send(HttpRequest.newBuilder(new java.net.URL(base, "metrics").toURI()).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + SCRAPE_TOKEN).header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElse(""), gzipped.headers().toString());
            try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
                String inflated = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(inflated.contains("trulience_gpu_temperature_celsius" + labels + " 67.0\n"), inflated);
            }
            assertTrue(scrape("Bearer " + SCRAPE_TOKEN, null).headers().firstValue("Content-Encoding").isEmpty(), "plain unless asked");
        }
    }

    @Test
    void promtoolFindsNothingToComplainAboutInAScrape() throws Exception {
        var promtool = List.of("/usr/bin/promtool", "/usr/local/bin/promtool").stream().filter(p -> new File(p).canExecute()).findFirst();
        if (promtool.isEmpty()) {
            System.out.println("PrometheusIT: promtool not found, `promtool check metrics` skipped (apt-get install prometheus)");
        }
        Assumptions.assumeTrue(promtool.isPresent(), "promtool is not installed (Debian: apt-get install prometheus)");
        var worker = admin().registerWorker("prom-lint");
        try (var agent = AgentClient.connect(base, worker.token())) {
            hello(agent, worker.id(), "prom-lint-host");
            sample(agent, worker.id(), 1, Instant.now(), 55, 40);
            xid(agent, 2, Instant.now(), 48);
            // promtool reads the text format 0.0.4 only (on OpenMetrics it misses a counter's HELP, written for the
            // family without _total); the OpenMetrics form is what verify-prometheus has the real Prometheus scrape.
            for (String accept : new String[] {null, "text/plain;version=0.0.4"}) {
                String scrape = scrape("Bearer " + SCRAPE_TOKEN, accept).body();
                assertTrue(scrape.contains("worker=\"prom-lint\""), scrape);
                var process = new ProcessBuilder(promtool.get(), "check", "metrics").redirectErrorStream(true).start();
                try (var in = process.getOutputStream()) {
                    in.write(scrape.getBytes(StandardCharsets.UTF_8));
                }
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
                assertEquals(0, process.exitValue(), "promtool check metrics (" + accept + "): " + output);
                assertTrue(output.isBlank(), "promtool check metrics (" + accept + ") found problems: " + output);
            }
        }
    }

    @Test
    void xidEventsAreCountedOncePerGpuAndCodeAndTheCountOutlivesTheEventsThemselves() throws Exception {
        var worker = admin().registerWorker("prom-xid");
        String labels = "{gpu=\"0\",hostname=\"prom-xid-host\",model=\"NVIDIA H100 80GB HBM3\",uuid=\"GPU-p0\",worker=\"prom-xid\",xid=\"%s\"}";
        try (var agent = AgentClient.connect(base, worker.token())) {
            hello(agent, worker.id(), "prom-xid-host");
            sample(agent, worker.id(), 1, Instant.now(), 50, 30);
            Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(30);
            xid(agent, 2, at, 79);
            xid(agent, 3, at.plusMillis(1), 79);
            xid(agent, 4, at.plusMillis(2), 13);
            xid(agent, 2, at, 79); // the agent replays one after a reconnect: acked again, counted once
            String text = scrape("Bearer " + SCRAPE_TOKEN, null).body();
            assertTrue(text.contains("# TYPE trulience_gpu_xid_events_total counter\n"), text);
            assertTrue(text.contains("trulience_gpu_xid_events_total" + labels.formatted("79") + " 2.0\n"), text);
            assertTrue(text.contains("trulience_gpu_xid_events_total" + labels.formatted("13") + " 1.0\n"), text);

            // Retention deletes events past its window; a counter must not go down with them.
            TestDatabase.execute(DATABASE, "DELETE FROM gpu_events WHERE worker_id = " + worker.id());
            xid(agent, 5, at.plusMillis(3), 79);
            text = scrape("Bearer " + SCRAPE_TOKEN, null).body();
            assertTrue(text.contains("trulience_gpu_xid_events_total" + labels.formatted("79") + " 3.0\n"), text);
            assertTrue(text.contains("trulience_gpu_xid_events_total" + labels.formatted("13") + " 1.0\n"), text);

            var openMetrics = scrape("Bearer " + SCRAPE_TOKEN, "application/openmetrics-text;version=1.0.0").body();
            assertTrue(openMetrics.contains("trulience_gpu_xid_events_total" + labels.formatted("79") + " 3.0\n"), openMetrics);
            assertTrue(openMetrics.contains("trulience_gpu_xid_events_created" + labels.formatted("79") + " "), openMetrics);
        }
        // Like every GPU series, the counter leaves the scrape while its worker is offline.
        String text = awaitScrape(body -> body.contains("trulience_worker_up{hostname=\"prom-xid-host\",worker=\"prom-xid\"} 0.0"));
        assertFalse(text.contains("worker=\"prom-xid\",xid="), text);
    }

    @Test
    void theGpusOfAnOfflineWorkerLeaveTheScrapeAndItsUpIsZero() throws Exception {
        var worker = admin().registerWorker("prom-gone");
        try (var agent = AgentClient.connect(base, worker.token())) {
            hello(agent, worker.id(), "prom-gone-host");
            sample(agent, worker.id(), 1, Instant.now(), 50, 30);
            assertTrue(scrape("Bearer " + SCRAPE_TOKEN, null).body().contains("worker=\"prom-gone\"} 50.0"));
        }
        String text = awaitScrape(body -> body.contains("trulience_worker_up{hostname=\"prom-gone-host\",worker=\"prom-gone\"} 0.0"));
        assertFalse(text.lines().anyMatch(line -> line.startsWith("trulience_gpu_") && line.contains("worker=\"prom-gone\"")), text);
    }

    @Test
    void aHotGpusCriticalAlertReachesAlertmanagerIsSentAgainWhileOpenAndEndsWhenResolved() throws Exception {
        var worker = admin().registerWorker("prom-alert");
        var thresholds = admin().put("api/v1/admin/workers/" + worker.id() + "/thresholds",
                "[{\"metric_name\":\"temperature_celsius\",\"warning_value\":40,\"critical_value\":50,\"is_enabled\":true}]");
        assertEquals(200, thresholds.statusCode(), thresholds.body());
        Predicate<JsonObject> ours = alert -> alert.getJsonObject("labels").getString("worker").equals("prom-alert")
                && alert.getJsonObject("labels").getString("alertname").equals("temperature_celsius");
        try (var agent = AgentClient.connect(base, worker.token())) {
            hello(agent, worker.id(), "prom-alert-host");
            Instant t0 = Instant.now().minusSeconds(60);
            sample(agent, worker.id(), 1, t0, 80, 30);

            var firing = ALERTMANAGER.await(ours.and(alert -> !alert.containsKey("endsAt")), 2, 30);
            var first = firing.get(0);
            assertEquals("critical", first.getJsonObject("labels").getString("severity"));
            assertEquals("0", first.getJsonObject("labels").getString("gpu"));
            assertEquals("http://127.0.0.1:18490/admin/worker.xhtml?id=" + worker.id(), first.getString("generatorURL"));
            assertFalse(first.getJsonObject("annotations").getString("summary").isEmpty());
            assertFalse(first.getJsonObject("annotations").getString("description").isEmpty());

            sample(agent, worker.id(), 2, t0.plusSeconds(10), 30, 30);
            sample(agent, worker.id(), 3, t0.plusSeconds(20), 30, 30);
            var resolved = ALERTMANAGER.await(ours.and(alert -> alert.containsKey("endsAt")), 1, 30).get(0);
            assertEquals("critical", resolved.getJsonObject("labels").getString("severity"));
            assertEquals(first.getString("startsAt"), resolved.getString("startsAt"));
        }
        String text = scrape("Bearer " + SCRAPE_TOKEN, null).body();
        assertTrue(text.contains("trulience_backend_webhook_deliveries_total{node="), text);
        assertTrue(text.contains("receiver=\"alertmanager\""), text);
    }

    @Test
    void theOpenApiDocumentIsPublicAndListsEveryResourceMethodWithItsProblems() throws Exception {
        var response = HTTP.send(HttpRequest.newBuilder(new java.net.URL(base, "openapi").toURI()).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        var paths = Json.createReader(new StringReader(response.body())).readObject().getJsonObject("paths");
        var documented = new java.util.HashMap<String, JsonObject>();
        paths.forEach((path, item) -> documented.put(template(path), item.asJsonObject()));
        var missing = new ArrayList<String>();
        int methods = 0;
        for (var resource : resourceClasses()) {
            for (Method method : resource.getDeclaredMethods()) {
                String verb = verb(method);
                if (verb == null) {
                    continue;
                }
                methods++;
                String path = template("/api/" + resource.getAnnotation(Path.class).value()
                        + (method.isAnnotationPresent(Path.class) ? "/" + method.getAnnotation(Path.class).value() : ""));
                var item = documented.get(path);
                if (item == null || !item.containsKey(verb)) {
                    missing.add(verb.toUpperCase() + " " + path + " (" + resource.getSimpleName() + "." + method.getName() + ")");
                } else if (!item.getJsonObject(verb).getJsonObject("responses").containsKey("401")) {
                    missing.add(verb.toUpperCase() + " " + path + " without its 401 problem");
                }
            }
        }
        assertTrue(methods >= 17, "found only " + methods + " resource methods");
        assertTrue(missing.isEmpty(), "not in /openapi: " + missing + "\ndocumented: " + documented.keySet());
        assertFalse(response.body().contains(ADMIN_PASSWORD) || response.body().contains(SCRAPE_TOKEN));
    }

    /** A path with its parameters' regular expressions left out and no doubled or trailing slash. */
    private static String template(String path) {
        return path.replaceAll("\\{\\s*(\\w+)\\s*:[^}]*}", "{$1}").replaceAll("/+", "/").replaceAll("(.)/$", "$1");
    }

    private static String verb(Method method) {
        if (method.isAnnotationPresent(GET.class)) {
            return "get";
        }
        if (method.isAnnotationPresent(POST.class)) {
            return "post";
        }
        if (method.isAnnotationPresent(PUT.class)) {
            return "put";
        }
        return method.isAnnotationPresent(DELETE.class) ? "delete" : null;
    }

    /** Every class in the WAR's own code with a JAX-RS @Path, found by walking target/classes. */
    private static List<Class<?>> resourceClasses() throws Exception {
        var root = new File("target/classes").toPath();
        var found = new ArrayList<Class<?>>();
        try (var files = Files.walk(root)) {
            for (var file : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$")).toList()) {
                String name = root.relativize(file).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
                var type = Class.forName(name, false, PrometheusIT.class.getClassLoader());
                if (type.isAnnotationPresent(Path.class)) {
                    found.add(type);
                }
            }
        }
        return found;
    }

    private String awaitScrape(Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String body;
        do {
            body = scrape("Bearer " + SCRAPE_TOKEN, null).body();
            if (condition.test(body)) {
                return body;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the scrape never matched: " + body);
    }

    private static void hello(AgentClient agent, long workerId, String hostname) {
        agent.send("""
                {"type":"hello","worker_id":%d,"hostname":"%s","agent_version":"1.0.0","driver_version":"550.54.15",
                 "gpus":[{"gpu_index":0,"name":"NVIDIA H100 80GB HBM3","uuid":"GPU-p0","power_limit_watts":700}],
                 "services":["comfyui"]}""".formatted(workerId, hostname));
    }

    private static void sample(AgentClient agent, long workerId, long seq, Instant at, int temperature, int fan) throws Exception {
        agent.send("""
                {"type":"gpu_metrics","worker_id":%d,"seq":%d,"timestamp":"%s","metrics":[{"gpu_index":0,"vram_used_mb":40213,
                 "vram_total_mb":81559,"temperature_celsius":%d,"utilization_percent":97,"power_draw_watts":512,"fan_speed_percent":%d}]}"""
                .formatted(workerId, seq, at, temperature, fan));
        assertEquals("{\"type\":\"ack\",\"seq\":" + seq + "}", agent.next());
    }

    private static void xid(AgentClient agent, long seq, Instant at, int xid) throws Exception {
        agent.send("""
                {"type":"gpu_event","seq":%d,"timestamp":"%s","gpu_index":0,"uuid":"GPU-p0","kind":"xid","xid":%d}"""
                .formatted(seq, at, xid));
        assertEquals("{\"type\":\"ack\",\"seq\":" + seq + "}", agent.next());
    }

    /** Alertmanager's {@code POST /api/v2/alerts} on loopback: keeps every alert of every posted array. */
    static final class AlertmanagerStandIn implements AutoCloseable {

        private final HttpServer server;
        private final List<JsonObject> alerts = new CopyOnWriteArrayList<>();

        private AlertmanagerStandIn(HttpServer server) {
            this.server = server;
            server.createContext("/api/v2/alerts", exchange -> {
                var posted = Json.createReader(new StringReader(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))).readArray();
                posted.forEach(alert -> alerts.add(alert.asJsonObject()));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }

        static AlertmanagerStandIn start() {
            try {
                return new AlertmanagerStandIn(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        List<JsonObject> await(Predicate<JsonObject> filter, int count, int timeoutSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            List<JsonObject> matching;
            do {
                matching = alerts.stream().filter(filter).toList();
                if (matching.size() >= count) {
                    return matching;
                }
                Thread.sleep(20);
            } while (System.nanoTime() < deadline);
            throw new AssertionError("expected " + count + " alert(s) within " + timeoutSeconds + " s, got " + matching + " of " + alerts);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
