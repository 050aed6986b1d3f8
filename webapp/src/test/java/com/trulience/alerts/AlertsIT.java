package com.trulience.alerts;

import com.trulience.testing.Deployed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Await;
import com.trulience.testing.Frames;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import com.trulience.testing.WebhookReceiver;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Threshold alerts end to end: metrics over the real WebSocket into the deployed WAR, alerts observed in the
 * database and through the admin API, notifications received by a webhook on a loopback HTTP server.
 * Samples carry timestamps in the past, so that minutes of alert time pass in seconds of test time.
 */
@ExtendWith(ArquillianExtension.class)
class AlertsIT extends Deployed {

    private static final String DATABASE = "trulience_it_alerts";
    private static final String ADMIN_PASSWORD = "alerts-admin-password";
    private static final AtomicInteger WORKERS = new AtomicInteger();
    private static final WebhookReceiver WEBHOOK = WebhookReceiver.start();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of(
                "alert.cooldown.minutes", "5",
                "alert.webhook.url", WEBHOOK.url()));
    }

    @AfterAll
    static void stopWebhook() {
        WEBHOOK.close();
    }

    /** A simulated agent of one worker with 2 GPUs of 700 W that sends one frame at a time and waits for its ack. */
    private final class Agent implements AutoCloseable {
        final Api.RegisteredWorker worker;
        final AgentClient client;
        final AtomicLong seq = new AtomicLong();

        Agent() throws Exception {
            worker = register();
            client = AgentClient.connect(base, worker.token());
            client.send(Frames.hello(worker.id(), 60, 2, "comfyui"));
        }

        /** GPU 0 at the given temperature; GPU 1 idle unless gpu1PowerWatts says otherwise. */
        void send(Instant at, int gpu0Temperature, int gpu1PowerWatts) throws Exception {
            send(at, List.of(gpu(0, gpu0Temperature, 40_000, 100), gpu(1, 40, 1_000, gpu1PowerWatts)), List.of());
        }

        void send(Instant at, List<Frames.Gpu> gpus, List<Integer> lostGpus) throws Exception {
            long next = seq.incrementAndGet();
            client.send(Frames.metrics(worker.id(), next, at, gpus, lostGpus));
            assertEquals("{\"type\":\"ack\",\"seq\":" + next + "}", client.next());
        }

        Predicate<JsonObject> posts() {
            return json -> json.getJsonNumber("worker_id").longValue() == worker.id();
        }

        Predicate<JsonObject> posts(String metric) {
            return posts().and(json -> json.getString("metric_name").equals(metric));
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Half busy, fan at 30 %, of 81559 MB VRAM. */
    static Frames.Gpu gpu(int index, int temperature, int vramUsedMb, int powerWatts) {
        return new Frames.Gpu(index, vramUsedMb, 81559, temperature, 50, powerWatts, 30);
    }

    @Test
    void acceptance86CelsiusOpensOneCriticalAlertNotifiesOnceRepeatsAfterTheCooldownAndResolvesAfterTwoCoolSamples() throws Exception {
        Instant t0 = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS);
        try (var agent = new Agent()) {
            long worker = agent.worker.id();
            agent.send(t0, 86, 100);
            var raised = WEBHOOK.await(agent.posts(), 1, 15).get(0);
            assertEquals("raised", raised.getString("event"));
            assertEquals("temperature_celsius", raised.getString("metric_name"));
            assertEquals("critical", raised.getString("severity"));
            assertEquals(0, raised.getInt("gpu_index"));
            assertEquals(85, raised.getInt("threshold_value"));
            assertTrue(raised.getString("text").contains("gpu-alerts-"), raised.getString("text"));
            assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM alerts WHERE state = 'open' AND worker_id = " + worker));

            var open = alerts("open", worker);
            assertEquals(1, open.size(), open.toString());
            var alert = open.getJsonObject(0);
            assertEquals("critical", alert.getString("severity"));
            assertEquals(86.0, alert.getJsonNumber("value").doubleValue());
            assertEquals(t0, Instant.parse(alert.getString("opened_at").replace("+00:00", "Z")));

            agent.send(t0.plus(Duration.ofMinutes(4)), 86, 100);
            agent.send(t0.plus(Duration.ofMinutes(6)), 86, 100);
            var repeated = WEBHOOK.await(agent.posts(), 2, 15).get(1);
            assertEquals("repeated", repeated.getString("event"));
            assertEquals(raised.getInt("alert_id"), repeated.getInt("alert_id"));
            assertEquals(t0.plus(Duration.ofMinutes(6)).toString(), repeated.getString("at"));

            agent.send(t0.plus(Duration.ofMinutes(6)).plusSeconds(5), 60, 100);
            awaitQuery("SELECT recovering_samples FROM alerts WHERE worker_id = " + worker, "1");
            agent.send(t0.plus(Duration.ofMinutes(6)).plusSeconds(10), 60, 100);
            var posts = WEBHOOK.await(agent.posts(), 3, 15);
            assertEquals(List.of("raised", "repeated", "resolved"), posts.stream().map(json -> json.getString("event")).toList(),
                    "one notification, none within the 4 minutes of cooldown, one repeat, one resolution");
            assertEquals("resolved", TestDatabase.query(DATABASE, "SELECT state FROM alerts WHERE worker_id = " + worker));
            assertEquals(0, alerts("open", worker).size());
            assertEquals("resolved", alerts("resolved", worker).getJsonObject(0).getString("state"));
            assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM alerts WHERE worker_id = " + worker));
        }
    }

    @Test
    void acceptanceAWorkerOverrideOf90Over95SuppressesTheAlertAndDeletingItBringsGlobalBack() throws Exception {
        Instant t0 = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        try (var agent = new Agent()) {
            long worker = agent.worker.id();
            var put = admin().put("api/v1/admin/workers/" + worker + "/thresholds",
                    "[{\"metric_name\":\"temperature_celsius\",\"warning_value\":90,\"critical_value\":95,\"is_enabled\":true}]");
            assertEquals(200, put.statusCode(), put.body());
            assertEquals("worker", effective(json(put.body()), "temperature_celsius").getString("source"));
            assertEquals(90, effective(json(put.body()), "temperature_celsius").getInt("warning_value"));

            // GPU 1 at 690 of 700 W (98.6 %) raises a power alert in the same evaluation as GPU 0's 86 C.
            agent.send(t0, 86, 690);
            var power = WEBHOOK.await(agent.posts("power_draw_percent"), 1, 15).get(0);
            assertEquals("critical", power.getString("severity"));
            assertEquals(1, power.getInt("gpu_index"));
            assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM alerts WHERE metric_name = 'temperature_celsius' AND worker_id = " + worker));

            assertEquals(204, admin().delete("api/v1/admin/workers/" + worker + "/thresholds").statusCode());
            var view = json(admin().get("api/v1/admin/workers/" + worker + "/thresholds").body());
            assertEquals(0, view.getJsonArray("overrides").size());
            assertEquals("global", effective(view, "temperature_celsius").getString("source"));

            agent.send(t0.plusSeconds(5), 86, 100);
            var raised = WEBHOOK.await(agent.posts("temperature_celsius"), 1, 15).get(0);
            assertEquals("raised", raised.getString("event"));
            assertEquals(85, raised.getInt("threshold_value"));
        }
    }

    @Test
    void builtInAlertsForAMissingOrLostGpuFullVramAndAnOfflineWorker() throws Exception {
        Instant t0 = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
        long worker;
        try (var agent = new Agent()) {
            worker = agent.worker.id();
            // GPU 1 was announced but is absent; GPU 0's VRAM is 99.3 % used.
            agent.send(t0, List.of(gpu(0, 50, 81_000, 100)), List.of());
            var missing = WEBHOOK.await(agent.posts("gpu_missing"), 1, 15).get(0);
            assertEquals(1, missing.getInt("gpu_index"));
            assertTrue(missing.getString("message").contains("missing"), missing.toString());
            var full = WEBHOOK.await(agent.posts("vram_full"), 1, 15).get(0);
            assertEquals("critical", full.getString("severity"));
            assertEquals(99, full.getInt("threshold_value"));

            agent.send(t0.plusSeconds(5), List.of(gpu(0, 50, 1_000, 100)), List.of(1));
            agent.send(t0.plusSeconds(10), List.of(gpu(0, 50, 1_000, 100), gpu(1, 40, 1_000, 100)), List.of());
            awaitQuery("SELECT recovering_samples FROM alerts WHERE metric_name = 'gpu_missing' AND worker_id = " + worker, "1");
            agent.send(t0.plusSeconds(15), List.of(gpu(0, 50, 1_000, 100), gpu(1, 40, 1_000, 100)), List.of());
            assertEquals("resolved", WEBHOOK.await(agent.posts("gpu_missing"), 2, 15).get(1).getString("event"));
            assertEquals("resolved", WEBHOOK.await(agent.posts("vram_full"), 2, 15).get(1).getString("event"));
        }
        var offline = WEBHOOK.await(json -> json.getJsonNumber("worker_id").longValue() == worker
                && json.getString("metric_name").equals("worker_offline"), 1, 15).get(0);
        assertEquals("raised", offline.getString("event"));
        assertTrue(offline.isNull("gpu_index"));
        assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM alerts WHERE state = 'open' AND metric_name = 'worker_offline' AND worker_id = " + worker));
    }

    @Test
    void retriesAWebhookThatFailedWithBackOff() throws Exception {
        try (var agent = new Agent()) {
            WEBHOOK.refuseNextOf(agent.worker.id());
            agent.send(Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS), 99, 100);
            var delivered = WEBHOOK.await(agent.posts(), 1, 15).get(0);
            assertEquals("raised", delivered.getString("event"));
            assertTrue(WEBHOOK.refused().stream().anyMatch(json -> json.getInt("alert_id") == delivered.getInt("alert_id")),
                    "the first attempt was refused and the same notification came again");
        }
    }

    @Test
    void validatesThresholdsWithProblemDocumentsAnd404ForAnUnknownWorker() throws Exception {
        long worker = register().id();
        String path = "api/v1/admin/workers/" + worker + "/thresholds";
        assertBadRequest(admin().put(path, "[{\"metric_name\":\"fan_speed\",\"warning_value\":1,\"critical_value\":2}]"), "unknown metric_name");
        assertBadRequest(admin().put(path, "[{\"metric_name\":\"temperature_celsius\",\"warning_value\":85,\"critical_value\":85}]"), "below");
        assertBadRequest(admin().put(path, "[{\"metric_name\":\"vram_used_percent\",\"warning_value\":90,\"critical_value\":101}]"), "1..100");
        assertBadRequest(admin().put(path, "[{\"metric_name\":\"temperature_celsius\",\"critical_value\":85}]"), "required");
        assertBadRequest(admin().put(path, "[]"), "non-empty");
        assertBadRequest(admin().put(path, "{\"metric_name\":"), "not valid JSON");
        assertBadRequest(admin().put(path, """
                [{"metric_name":"utilization_percent","warning_value":80,"critical_value":90},
                 {"metric_name":"utilization_percent","warning_value":70,"critical_value":90}]"""), "twice");
        assertBadRequest(admin().get("api/v1/admin/alerts?state=closed"), "state");
        assertEquals(404, admin().put("api/v1/admin/workers/999999/thresholds",
                "[{\"metric_name\":\"temperature_celsius\",\"warning_value\":70,\"critical_value\":85}]").statusCode());
        assertEquals(404, admin().delete("api/v1/admin/workers/999999/thresholds").statusCode());
        assertEquals(404, admin().get("api/v1/admin/alerts?worker_id=999999").statusCode());
        assertEquals(401, Api.anonymous(base).get("api/v1/admin/thresholds").statusCode());
        assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM metric_thresholds WHERE worker_id = " + worker));

        var global = admin().put("api/v1/admin/thresholds/global",
                "[{\"metric_name\":\"utilization_percent\",\"warning_value\":96,\"critical_value\":99,\"is_enabled\":false}]");
        assertEquals(200, global.statusCode(), global.body());
        try {
            var all = json(admin().get("api/v1/admin/thresholds").body());
            assertEquals(5, all.getJsonArray("global").size(), "four seeded metrics and the margin to slowdown (V12)");
            var mine = all.getJsonArray("workers").getValuesAs(JsonObject.class).stream()
                    .filter(entry -> entry.getJsonNumber("worker_id").longValue() == worker).findFirst().orElseThrow();
            var utilization = effective(mine, "utilization_percent");
            assertEquals(96, utilization.getInt("warning_value"));
            assertEquals(false, utilization.getBoolean("is_enabled"));
            assertEquals("global", utilization.getString("source"));
            assertEquals(85, effective(mine, "temperature_celsius").getInt("critical_value"));
        } finally {
            admin().put("api/v1/admin/thresholds/global",
                    "[{\"metric_name\":\"utilization_percent\",\"warning_value\":95,\"critical_value\":99,\"is_enabled\":true}]");
        }
    }

    private static void assertBadRequest(HttpResponse<String> response, String detailContains) {
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), response.headers().toString());
        assertTrue(json(response.body()).getString("detail").contains(detailContains), response.body());
    }

    private static JsonObject effective(JsonObject workerThresholds, String metric) {
        return workerThresholds.getJsonArray("effective").getValuesAs(JsonObject.class).stream()
                .filter(entry -> entry.getString("metric_name").equals(metric)).findFirst().orElseThrow();
    }

    private JsonArray alerts(String state, long worker) throws Exception {
        var response = admin().get("api/v1/admin/alerts?state=" + state + "&worker_id=" + worker);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readArray();
    }

    private static void awaitQuery(String sql, String wanted) throws Exception {
        String value = Await.until(sql + " = " + wanted, Duration.ofSeconds(15), () -> TestDatabase.query(DATABASE, sql), wanted::equals);
        assertEquals(wanted, value, sql);
    }

    private Api.RegisteredWorker register() throws Exception {
        return admin().registerWorker("gpu-alerts-" + WORKERS.incrementAndGet());
    }

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
