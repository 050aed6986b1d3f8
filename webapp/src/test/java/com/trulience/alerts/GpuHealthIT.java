package com.trulience.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.AgentProcess;
import com.trulience.testing.Api;
import com.trulience.testing.Deployed;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import com.trulience.testing.WebhookReceiver;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
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
 * GPU health end to end (issue 17): health fields and gpu_event frames over the real WebSocket into the deployed
 * WAR, alerts through the admin API and the webhook, the events API, and a real agent process whose simulated GPU
 * throws Xid 79.
 */
@ExtendWith(ArquillianExtension.class)
class GpuHealthIT extends Deployed {

    private static final String DATABASE = "trulience_it_gpu_health";
    private static final String ADMIN_PASSWORD = "gpu-health-admin-password";
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

    /** A simulated agent of one worker with 2 H100s (slowdown 87 C) that sends one frame at a time and waits for its ack. */
    private final class Agent implements AutoCloseable {
        final Api.RegisteredWorker worker;
        final AgentClient client;
        final AtomicLong seq = new AtomicLong();

        Agent() throws Exception {
            worker = register();
            client = AgentClient.connect(base, worker.token());
            client.send("""
                    {"type":"hello","worker_id":%d,"hostname":"health-host","agent_version":"1.0.0","driver_version":"550.54.15",
                     "metrics_interval_secs":60,
                     "gpus":[{"gpu_index":0,"name":"NVIDIA H100","uuid":"GPU-a","power_limit_watts":700,
                              "slowdown_temperature_celsius":87,"shutdown_temperature_celsius":92,"max_sm_clock_mhz":1980,
                              "enforced_power_limit_watts":700},
                             {"gpu_index":1,"name":"NVIDIA H100","uuid":"GPU-b","power_limit_watts":700,
                              "slowdown_temperature_celsius":87,"shutdown_temperature_celsius":92,"max_sm_clock_mhz":1980,
                              "enforced_power_limit_watts":700}],
                     "services":["comfyui"]}""".formatted(worker.id()));
        }

        /** Both GPUs: GPU 0 at the temperature with the throttle reasons, GPU 1 cool and healthy. */
        void send(Instant at, int gpu0Temperature, String gpu0ThrottleReasons) throws Exception {
            send(at, gpu(0, gpu0Temperature, gpu0ThrottleReasons) + "," + gpu(1, 40, ""));
        }

        void send(Instant at, String metrics) throws Exception {
            long next = seq.incrementAndGet();
            client.send("""
                    {"type":"gpu_metrics","worker_id":%d,"seq":%d,"timestamp":"%s","metrics":[%s]}"""
                    .formatted(worker.id(), next, at, metrics));
            assertEquals("{\"type\":\"ack\",\"seq\":" + next + "}", client.next());
        }

        /** Sends the event with the next seq and returns that seq once acked. */
        long event(Instant at, int gpu, String kind, Integer xid) throws Exception {
            long next = seq.incrementAndGet();
            client.send(eventFrame(next, at, gpu, kind, xid));
            assertEquals("{\"type\":\"ack\",\"seq\":" + next + "}", client.next());
            return next;
        }

        Predicate<JsonObject> posts(String metric) {
            return json -> json.getJsonNumber("worker_id").longValue() == worker.id() && json.getString("metric_name").equals(metric);
        }

        @Override
        public void close() {
            client.close();
        }
    }

    static String eventFrame(long seq, Instant at, int gpu, String kind, Integer xid) {
        return """
                {"type":"gpu_event","seq":%d,"timestamp":"%s","gpu_index":%d,"uuid":"GPU-b","kind":"%s","xid":%s}"""
                .formatted(seq, at, gpu, kind, xid == null ? "null" : xid.toString());
    }

    static String gpu(int index, int temperature, String throttleReasons) {
        return """
                {"gpu_index":%d,"vram_used_mb":1000,"vram_total_mb":81559,"temperature_celsius":%d,"utilization_percent":50,
                 "power_draw_watts":300,"fan_speed_percent":30,"sm_clock_mhz":1410,"memory_temperature_celsius":%d,
                 "throttle_reasons":[%s],"ecc_uncorrected_volatile":0,"remapped_rows_pending":false,
                 "remapped_rows_failure":false,"pcie_replay_count":3}""".formatted(index, temperature, temperature + 5, throttleReasons);
    }

    @Test
    void acceptanceXid79OnGpu1OpensOneCriticalAlertWithinTwoSecondsWithMeaningAndActionOneWebhookAndTheEventInTheApi() throws Exception {
        try (var agent = new Agent()) {
            long worker = agent.worker.id();
            agent.send(Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS), 50, "");
            Instant occurred = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            long sent = System.nanoTime();
            agent.event(occurred, 1, "xid", 79);
            var raised = WEBHOOK.await(agent.posts("xid_79"), 1, 15).get(0);
            long millis = (System.nanoTime() - sent) / 1_000_000;
            assertTrue(millis < 2_000, "webhook after " + millis + " ms");
            assertEquals("raised", raised.getString("event"));
            assertEquals("critical", raised.getString("severity"));
            assertEquals(1, raised.getInt("gpu_index"));
            assertTrue(raised.getString("message").contains("fallen off the bus"), raised.toString());
            assertTrue(raised.getString("message").contains("reboot the node"), raised.toString());

            var open = alerts("open", worker);
            assertEquals(1, open.size(), open.toString());
            assertEquals("xid_79", open.getJsonObject(0).getString("metric_name"));
            assertEquals(occurred, instant(open.getJsonObject(0).getString("opened_at")));

            // The agent replays it (its ack was lost): acked again, stored and notified once.
            agent.client.send(eventFrame(agent.seq.get(), occurred, 1, "xid", 79));
            assertEquals("{\"type\":\"ack\",\"seq\":" + agent.seq.get() + "}", agent.client.next());
            agent.event(occurred.plusMillis(1), 0, "xid", 13);
            var application = WEBHOOK.await(agent.posts("xid_13"), 1, 15).get(0);
            assertEquals("warning", application.getString("severity"));
            assertTrue(application.getString("message").contains("restart the app"), application.toString());
            assertEquals(1, WEBHOOK.of(agent.posts("xid_79")).size());
            assertEquals("2", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_events WHERE worker_id = " + worker));

            var events = events(worker, "");
            assertEquals(2, events.size(), events.toString());
            var xid79 = events.getJsonObject(1);
            assertEquals("xid", xid79.getString("kind"));
            assertEquals(79, xid79.getInt("xid"));
            assertEquals(1, xid79.getInt("gpu_index"));
            assertEquals("GPU-b", xid79.getString("uuid"));
            assertEquals(occurred, instant(xid79.getString("occurred_at")));
            assertEquals("critical", xid79.getString("severity"));
            assertEquals("GPU has fallen off the bus", xid79.getString("meaning"));
            assertEquals("reboot the node", xid79.getString("action"));
            assertEquals(13, events.getJsonObject(0).getInt("xid"), "newest first");
        }
    }

    @Test
    void acceptanceAnEventSentLateKeepsItsOriginalTimeAndAnEventOlderThanTheRetentionIsRefused() throws Exception {
        try (var agent = new Agent()) {
            long worker = agent.worker.id();
            // it happened while the backend was down; the agent's outbox sends it after reconnecting
            Instant occurred = Instant.now().minus(Duration.ofMinutes(7)).truncatedTo(ChronoUnit.MILLIS);
            agent.event(occurred, 1, "xid", 79);
            var raised = WEBHOOK.await(agent.posts("xid_79"), 1, 15).get(0);
            assertEquals(occurred.toString(), raised.getString("at"));
            var event = events(worker, "").getJsonObject(0);
            assertEquals(occurred, instant(event.getString("occurred_at")));
            assertTrue(instant(event.getString("received_at")).isAfter(occurred.plus(Duration.ofMinutes(6))), event.toString());
            assertEquals(occurred, instant(alerts("open", worker).getJsonObject(0).getString("opened_at")));

            agent.client.send(eventFrame(99, Instant.now().minus(Duration.ofDays(91)), 1, "xid", 79));
            var refused = json(agent.client.next());
            assertEquals("error", refused.getString("type"));
            assertEquals("timestamp", refused.getString("field"));
            assertTrue(refused.getString("message").contains("retention"), refused.toString());
            assertTrue(agent.client.isOpen());
        }
    }

    @Test
    void badHealthFieldsAndEventsGetAnErrorFrameNamingTheFieldAndTheSocketStaysOpen() throws Exception {
        try (var agent = new Agent()) {
            Instant at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
            assertError(agent, eventFrame(1, at, 1, "melted", null), "kind");
            assertError(agent, eventFrame(2, at, 1, "xid", null), "xid");
            assertError(agent, eventFrame(3, at, 1, "gpu_lost", 79), "xid");
            assertError(agent, eventFrame(4, at, 64, "gpu_lost", null), "gpu_index");
            assertError(agent, eventFrame(5, at, 1, "xid", -1), "xid");
            String metrics = """
                    {"type":"gpu_metrics","worker_id":%d,"seq":6,"timestamp":"%s","metrics":[%s]}""";
            assertError(agent, metrics.formatted(agent.worker.id(), at, gpu(0, 50, "\"melting\"")), "metrics[0].throttle_reasons[0]");
            assertError(agent, metrics.formatted(agent.worker.id(), at, gpu(0, 50, "\"sw_power_cap\",\"sw_power_cap\"")),
                    "metrics[0].throttle_reasons[1]");
            assertError(agent, metrics.formatted(agent.worker.id(), at, gpu(0, 50, "").replace("\"remapped_rows_pending\":false",
                    "\"remapped_rows_pending\":\"yes\"")), "metrics[0].remapped_rows_pending");
            assertError(agent, metrics.formatted(agent.worker.id(), at, gpu(0, 50, "").replace("\"sm_clock_mhz\":1410",
                    "\"sm_clock_mhz\":-5")), "metrics[0].sm_clock_mhz");
            assertError(agent, """
                    {"type":"hello","worker_id":%d,"hostname":"h","agent_version":"1","gpus":[{"gpu_index":0,"name":"A",
                     "slowdown_temperature_celsius":500}]}""".formatted(agent.worker.id()), "gpus[0].slowdown_temperature_celsius");
            assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_events WHERE worker_id = " + agent.worker.id()));
            agent.send(at, 50, "");
        }
    }

    @Test
    void acceptanceHwThermalSlowdownForThreeSamplesOpensAThermalThrottleWarningAndTwoClearSamplesResolveIt() throws Exception {
        Instant t0 = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
        try (var agent = new Agent()) {
            long worker = agent.worker.id();
            agent.send(t0, 60, "\"hw_thermal_slowdown\"");
            agent.send(t0.plusSeconds(5), 60, "\"hw_thermal_slowdown\"");
            awaitQuery("SELECT thermal_throttle_samples FROM gpu_alert_state WHERE gpu_index = 0 AND worker_id = " + worker, "2");
            assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM alerts WHERE worker_id = " + worker));
            agent.send(t0.plusSeconds(10), 60, "\"sw_power_cap\",\"hw_thermal_slowdown\"");
            var raised = WEBHOOK.await(agent.posts("thermal_throttle"), 1, 15).get(0);
            assertEquals("warning", raised.getString("severity"));
            assertEquals(0, raised.getInt("gpu_index"));
            assertTrue(raised.getString("message").contains("hw_thermal_slowdown"), raised.toString());
            assertEquals(t0.plusSeconds(10).toString(), raised.getString("at"));

            agent.send(t0.plusSeconds(15), 60, "");
            awaitQuery("SELECT recovering_samples FROM alerts WHERE metric_name = 'thermal_throttle' AND worker_id = " + worker, "1");
            agent.send(t0.plusSeconds(20), 60, "");
            var posts = WEBHOOK.await(agent.posts("thermal_throttle"), 2, 15);
            assertEquals(List.of("raised", "resolved"), posts.stream().map(json -> json.getString("event")).toList());
            assertEquals(0, WEBHOOK.of(agent.posts("power_throttle")).size(), "one sample of power capping is no alert");

            var stored = TestDatabase.query(DATABASE, "SELECT sm_clock_mhz || ' ' || memory_temperature_celsius || ' ' || throttle_reasons"
                    + " FROM gpu_metrics WHERE gpu_index = 0 AND worker_id = " + worker + " AND recorded_at = '" + t0.plusSeconds(10) + "'");
            assertEquals("1410 65 9", stored, "the history keeps the SM clock, memory temperature and throttle bits (1 | 8)");
            var history = json(admin().get("api/v1/admin/workers/" + worker + "/metrics?since=" + t0.minusSeconds(1)
                    + "&gpu_index=0").body()).getJsonArray("gpus").getJsonObject(0);
            assertEquals(1410, history.getJsonArray("sm_clock_mhz").getInt(0));
            assertEquals(65, history.getJsonArray("memory_temperature_celsius").getInt(0));
        }
    }

    @Test
    void acceptanceSlowdown87At78RaisesAMarginWarningBesideTheTemperatureWarningAndAt85TheMarginIsCritical() throws Exception {
        Instant t0 = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
        try (var agent = new Agent()) {
            agent.send(t0, 78, "");
            var margin = WEBHOOK.await(agent.posts("temperature_margin_celsius"), 1, 15).get(0);
            assertEquals("warning", margin.getString("severity"));
            assertEquals(9.0, margin.getJsonNumber("value").doubleValue());
            assertEquals(10, margin.getInt("threshold_value"));
            assertTrue(margin.getString("message").contains("<= warning 10"), margin.toString());
            assertEquals("warning", WEBHOOK.await(agent.posts("temperature_celsius"), 1, 15).get(0).getString("severity"));

            agent.send(t0.plusSeconds(5), 85, "");
            var escalated = WEBHOOK.await(agent.posts("temperature_margin_celsius"), 2, 15).get(1);
            assertEquals("escalated", escalated.getString("event"));
            assertEquals("critical", escalated.getString("severity"));
            assertEquals(3, escalated.getInt("threshold_value"));
        }
    }

    @Test
    void theCurrentViewCarriesTheHealthFieldsAndTheCardsLimitsAndTheMarginThresholdIsValidatedInReverse() throws Exception {
        try (var agent = new Agent()) {
            long worker = agent.worker.id();
            agent.send(Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.SECONDS), 80, "\"sw_thermal_slowdown\"");
            var current = json(admin().get("api/v1/admin/workers/metrics/current").body()).getJsonArray("workers")
                    .getValuesAs(JsonObject.class).stream().filter(entry -> entry.getJsonNumber("id").longValue() == worker)
                    .findFirst().orElseThrow();
            var gpu0 = current.getJsonArray("gpus").getJsonObject(0);
            assertEquals(1410, gpu0.getInt("sm_clock_mhz"));
            assertEquals(85, gpu0.getInt("memory_temperature_celsius"));
            assertEquals(List.of("sw_thermal_slowdown"), gpu0.getJsonArray("throttle_reasons").getValuesAs(jakarta.json.JsonString.class)
                    .stream().map(jakarta.json.JsonString::getString).toList());
            assertEquals(0, gpu0.getInt("ecc_uncorrected_volatile"));
            assertFalse(gpu0.getBoolean("remapped_rows_pending"));
            assertFalse(gpu0.getBoolean("remapped_rows_failure"));
            assertEquals(3, gpu0.getInt("pcie_replay_count"));
            assertEquals(7, gpu0.getInt("temperature_margin_celsius"));
            var limits = gpu0.getJsonObject("limits");
            assertEquals(87, limits.getInt("slowdown_temperature_celsius"));
            assertEquals(92, limits.getInt("shutdown_temperature_celsius"));
            assertEquals(1980, limits.getInt("max_sm_clock_mhz"));
            assertEquals(700, limits.getInt("enforced_power_limit_watts"));
            var margin = current.getJsonObject("thresholds").getJsonObject("temperature_margin_celsius");
            assertEquals(10, margin.getInt("warning"));
            assertEquals(3, margin.getInt("critical"));

            String path = "api/v1/admin/workers/" + worker + "/thresholds";
            assertBadRequest(admin().put(path, "[{\"metric_name\":\"temperature_margin_celsius\",\"warning_value\":3,\"critical_value\":10}]"), "above");
            var put = admin().put(path, "[{\"metric_name\":\"temperature_margin_celsius\",\"warning_value\":15,\"critical_value\":5,\"is_enabled\":true}]");
            assertEquals(200, put.statusCode(), put.body());
        }
    }

    @Test
    void theEventsApiValidatesItsParametersAndKnowsItsWorkers() throws Exception {
        try (var agent = new Agent()) {
            long worker = agent.worker.id();
            Instant t0 = Instant.now().minus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.MILLIS);
            agent.event(t0, 0, "ecc_double_bit", null);
            agent.event(t0.plusSeconds(60), 1, "xid", 48);
            agent.event(t0.plusSeconds(120), 1, "xid", 4242);
            assertEquals(3, events(worker, "").size());
            var window = events(worker, "?since=" + t0.plusSeconds(30) + "&until=" + t0.plusSeconds(90));
            assertEquals(1, window.size(), window.toString());
            assertEquals(48, window.getJsonObject(0).getInt("xid"));
            assertEquals("reset the GPU", window.getJsonObject(0).getString("action"));
            var newest = events(worker, "?limit=1");
            assertEquals(1, newest.size());
            assertEquals("see NVIDIA's Xid catalog", newest.getJsonObject(0).getString("action"), "an unknown Xid");
            assertEquals("warning", newest.getJsonObject(0).getString("severity"));
            assertEquals("ecc_double_bit", events(worker, "").getJsonObject(2).getString("kind"));
            assertEquals("critical", WEBHOOK.await(agent.posts("ecc_uncorrected"), 1, 15).get(0).getString("severity"));

            String path = "api/v1/admin/workers/" + worker + "/events";
            assertBadRequest(admin().get(path + "?limit=0"), "limit");
            assertBadRequest(admin().get(path + "?limit=abc"), "query parameter");
            assertBadRequest(admin().get(path + "?since=yesterday"), "since");
            assertBadRequest(admin().get(path + "?since=" + t0 + "&until=" + t0), "before");
            assertEquals(404, admin().get("api/v1/admin/workers/999999/events").statusCode());
            var kinds = Json.createReader(new StringReader(admin().get("api/v1/admin/alerts/kinds").body())).readArray()
                    .getValuesAs(JsonObject.class).stream().map(kind -> kind.getString("metric_name")).toList();
            assertTrue(kinds.containsAll(List.of("temperature_margin_celsius", "gpu_missing", "thermal_throttle", "power_throttle",
                    "ecc_uncorrected", "row_remap_failure", "row_remap_pending", "xid_<code>")), kinds.toString());
            assertEquals(401, Api.anonymous(base).get(path).statusCode());
        }
    }

    @Test
    void acceptanceARealAgentWhoseSimulatedGpu1ThrowsXid79RaisesTheCriticalAlertAndTheEventThroughItsOutbox() throws Exception {
        AgentProcess.jar();
        var worker = register();
        Path directory = Files.createTempDirectory(Path.of("target"), "health-agent");
        Process agent = AgentProcess.start(directory, Map.of(
                "BACKEND_WS_URL", AgentClient.metricsUri(base).toString(),
                "WORKER_ID", Long.toString(worker.id()),
                "AGENT_TOKEN", worker.token(),
                "SIMULATE_GPUS", "2",
                "SIMULATE_XID", "1:79@3",
                "BUFFER_DIR", directory.resolve("outbox").toString(),
                "METRICS_INTERVAL_SECS", "2"));
        try {
            Predicate<JsonObject> xid79 = json -> json.getJsonNumber("worker_id").longValue() == worker.id()
                    && json.getString("metric_name").equals("xid_79");
            var raised = WEBHOOK.await(xid79, 1, 60).get(0);
            assertEquals("critical", raised.getString("severity"));
            assertEquals(1, raised.getInt("gpu_index"));
            assertTrue(raised.getString("message").contains("fallen off the bus"), raised.toString());
            assertTrue(raised.getString("message").contains("reboot the node"), raised.toString());
            var event = events(worker.id(), "").getJsonObject(0);
            assertEquals(79, event.getInt("xid"));
            assertEquals(1, event.getInt("gpu_index"));
            assertEquals(1, alerts("open", worker.id()).getValuesAs(JsonObject.class).stream()
                    .filter(alert -> alert.getString("metric_name").equals("xid_79")).count());
        } finally {
            agent.destroy();
            agent.waitFor();
        }
        assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_events WHERE worker_id = " + worker.id()),
                Files.readString(directory.resolve("agent.log")));
    }

    private static void assertError(Agent agent, String frame, String field) throws Exception {
        agent.client.send(frame);
        var error = json(agent.client.next());
        assertEquals("error", error.getString("type"), error.toString());
        assertEquals(field, error.getString("field"), error.toString());
        assertTrue(agent.client.isOpen());
    }

    private static void assertBadRequest(java.net.http.HttpResponse<String> response, String detailContains) {
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), response.headers().toString());
        assertTrue(json(response.body()).getString("detail").contains(detailContains), response.body());
    }

    private JsonArray alerts(String state, long worker) throws Exception {
        var response = admin().get("api/v1/admin/alerts?state=" + state + "&worker_id=" + worker);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readArray();
    }

    private JsonArray events(long worker, String query) throws Exception {
        var response = admin().get("api/v1/admin/workers/" + worker + "/events" + query);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readArray();
    }

    private static void awaitQuery(String sql, String wanted) throws InterruptedException {
        var deadline = Instant.now().plusSeconds(15);
        String value = TestDatabase.query(DATABASE, sql);
        while (!wanted.equals(value) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            value = TestDatabase.query(DATABASE, sql);
        }
        assertEquals(wanted, value, sql);
    }

    private static Instant instant(String time) {
        return OffsetDateTime.parse(time).toInstant();
    }

    private Api.RegisteredWorker register() throws Exception {
        return admin().registerWorker("gpu-health-" + WORKERS.incrementAndGet());
    }

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
