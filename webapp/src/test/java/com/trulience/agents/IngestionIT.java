package com.trulience.agents;

import com.trulience.testing.Deployed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Await;
import com.trulience.testing.Frames;
import com.trulience.testing.Api;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The agent link with a real WebSocket client against the deployed WAR: registration, handshake, frames, storage. */
@ExtendWith(ArquillianExtension.class)
class IngestionIT extends Deployed {

    private static final String DATABASE = "trulience_it_ingestion";
    private static final String ADMIN_PASSWORD = "ingestion-admin-password";
    private static final AtomicInteger WORKERS = new AtomicInteger();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of());
    }

    @Test
    void registersAWorkerAndShowsItsTokenOnlyOnce() throws Exception {
        var response = admin().post("api/v1/admin/workers", "{\"name\":\"gpu-token-check\"}");
        assertEquals(201, response.statusCode(), response.body());
        var body = json(response.body());
        String token = body.getString("token");
        assertTrue(token.startsWith("trl_") && token.length() >= 4 + 43, token);
        String stored = TestDatabase.query(DATABASE, "SELECT token_hash FROM workers WHERE id = " + body.getJsonNumber("id"));
        assertEquals(sha256(token), stored);

        var list = admin().get("api/v1/admin/workers").body();
        assertTrue(list.contains("\"name\":\"gpu-token-check\""), list);
        assertFalse(list.contains(token), list);
        assertFalse(list.contains(stored), list);
    }

    @Test
    void refusesBadRegistrationsWithProblemDocuments() throws Exception {
        assertEquals(400, admin().post("api/v1/admin/workers", "{\"name\":\"bad name; rm -rf /\"}").statusCode());
        assertEquals(400, admin().post("api/v1/admin/workers", "{\"name\":\"\"}").statusCode());
        var notJson = admin().post("api/v1/admin/workers", "{name:");
        assertEquals(400, notJson.statusCode(), notJson.body());
        assertTrue(notJson.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals(201, admin().post("api/v1/admin/workers", "{\"name\":\"gpu-twice\"}").statusCode());
        assertEquals(409, admin().post("api/v1/admin/workers", "{\"name\":\"gpu-twice\"}").statusCode());
    }

    @Test
    void refusesTheHandshakeWithoutAValidTokenOrFromAForeignOrigin() throws Exception {
        var worker = register();
        assertEquals(401, AgentClient.refusedStatus(base, null, null));
        assertEquals(401, AgentClient.refusedStatus(base, "trl_not-a-real-token", null));
        assertEquals(403, AgentClient.refusedStatus(base, worker.token(), "https://evil.example"));
        String sameOrigin = "http://" + base.getHost() + ":" + base.getPort();
        assertEquals(101, AgentClient.refusedStatus(base, worker.token(), sameOrigin));
        assertEquals(101, AgentClient.refusedStatus(base, worker.token(), null));
    }

    @Test
    void storesMetricsAtThePayloadTimestampAndAcksThem() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id(), 5));
            Instant taken = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
            agent.send(metrics(worker.id(), 1, taken, 97));
            assertEquals("{\"type\":\"ack\",\"seq\":1}", agent.next());

            assertEquals("2", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_metrics WHERE worker_id = " + worker.id()
                    + " AND recorded_at = '" + taken + "'"));
            assertEquals("97", TestDatabase.query(DATABASE, "SELECT utilization_percent FROM gpu_metrics_latest WHERE worker_id = "
                    + worker.id() + " AND gpu_index = 0"));
            assertEquals(null, TestDatabase.query(DATABASE, "SELECT fan_speed_percent FROM gpu_metrics WHERE worker_id = "
                    + worker.id() + " AND gpu_index = 1"));

            var view = json(admin().get("api/v1/admin/workers/" + worker.id()).body());
            assertEquals("online", view.getString("status"));
            assertEquals("gpu-host-" + worker.id(), view.getString("hostname"));
            assertEquals("1.0.0", view.getString("agent_version"));
            assertEquals("550.54.15", view.getString("driver_version"));
            assertEquals(2, view.getInt("gpu_count"));
            assertEquals(700, view.getJsonArray("gpus").getJsonObject(0).getInt("power_limit_watts"));
            assertEquals("[\"comfyui\",\"comfyui@2\"]", view.getJsonArray("services").toString());
        }
    }

    @Test
    void answersAnInvalidFrameWithAnErrorNamingTheFieldAndKeepsTheSocketOpen() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(metrics(worker.id(), 7, Instant.now(), 101));
            var error = json(agent.next());
            assertEquals("error", error.getString("type"));
            assertEquals(7, error.getInt("seq"));
            assertEquals("invalid_payload", error.getString("code"));
            assertEquals("metrics[0].utilization_percent", error.getString("field"));
            assertTrue(error.getString("message").contains("0..100"), error.toString());

            agent.send("this is not json");
            assertEquals("invalid_json", json(agent.next()).getString("code"));

            agent.send(metrics(worker.id(), 8, Instant.now().plusSeconds(3600), 50));
            assertEquals("timestamp", json(agent.next()).getString("field"));

            agent.send(metrics(worker.id(), 9, Instant.now(), 50).replace("\"vram_used_mb\":40213", "\"vram_used_mb\":90000"));
            assertEquals("metrics[0].vram_used_mb", json(agent.next()).getString("field"));

            assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_metrics WHERE worker_id = " + worker.id()));
            agent.send(metrics(worker.id(), 10, Instant.now(), 50));
            assertEquals("{\"type\":\"ack\",\"seq\":10}", agent.next());
        }
    }

    @Test
    void storesAReplayedBatchOnlyOnce() throws Exception {
        var worker = register();
        Instant taken = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(metrics(worker.id(), 3, taken, 40));
            assertEquals("{\"type\":\"ack\",\"seq\":3}", agent.next());
        }
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(metrics(worker.id(), 3, taken, 40));
            assertEquals("{\"type\":\"ack\",\"seq\":3}", agent.next());
        }
        assertEquals("2", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_metrics WHERE worker_id = " + worker.id()));
    }

    @Test
    void closesWith1008WhenAFrameClaimsAnotherWorker() throws Exception {
        var worker = register();
        var other = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(metrics(other.id(), 1, Instant.now(), 50));
            assertEquals(1008, agent.closedWith());
        }
        assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_metrics WHERE worker_id = " + other.id()));
    }

    @Test
    void closesWith1009WhenAFrameExceeds64KiB() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send("{\"type\":\"hello\",\"padding\":\"" + "x".repeat(70_000) + "\"}");
            assertEquals(1009, agent.closedWith());
        }
    }

    @Test
    void revokingTheTokenClosesTheSocketAndRotatingReplacesIt() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id(), 5));
            assertEquals(204, admin().delete("api/v1/admin/workers/" + worker.id() + "/token").statusCode());
            assertEquals(1008, agent.closedWith());
        }
        assertEquals(401, AgentClient.refusedStatus(base, worker.token(), null));

        var rotated = json(admin().post("api/v1/admin/workers/" + worker.id() + "/token", "").body());
        String newToken = rotated.getString("token");
        assertNotEquals(worker.token(), newToken);
        assertEquals(101, AgentClient.refusedStatus(base, newToken, null));
        assertEquals(401, AgentClient.refusedStatus(base, worker.token(), null));
    }

    @Test
    void aWorkerGoesOfflineWhenItsAgentFallsSilentOrDisconnects() throws Exception {
        var silent = register();
        var agent = AgentClient.connect(base, silent.token());
        agent.send(hello(silent.id(), 1));
        assertEquals("online", awaitStatus(silent.id(), "online"));
        // 3 intervals of 1 s, checked every 2 s
        assertEquals("offline", awaitStatus(silent.id(), "offline"));
        // the backend hangs up on a silent agent, so that a live one reconnects
        assertEquals(1001, agent.closedWith());

        var leaving = register();
        try (var second = AgentClient.connect(base, leaving.token())) {
            second.send(hello(leaving.id(), 60));
            assertEquals("online", awaitStatus(leaving.id(), "online"));
        }
        assertEquals("offline", awaitStatus(leaving.id(), "offline"));
    }

    /** With several backend nodes an agent may reconnect elsewhere before this node notices its old socket close. */
    @Test
    void aSocketClosingHereLeavesOnlineAWorkerWhoseAgentConnectedToAnotherNode() throws Exception {
        var moved = register();
        try (var old = AgentClient.connect(base, moved.token())) {
            old.send(hello(moved.id(), 60));
            assertEquals("online", awaitStatus(moved.id(), "online"));
            String here = TestDatabase.query(DATABASE, "SELECT connection FROM workers WHERE id = " + moved.id());
            assertTrue(here != null && here.matches("node-[0-9a-f]{8}/.+"), here);
            // what the other node writes when the agent's new socket opens there
            TestDatabase.execute(DATABASE, "UPDATE workers SET connection = 'node-b-0000abcd/1' WHERE id = " + moved.id());
        }
        // the close is handled within milliseconds; give it ample time to (wrongly) mark the worker offline
        Thread.sleep(2000);

        assertEquals("online", awaitStatus(moved.id(), "online"));
        assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM alerts WHERE worker_id = " + moved.id()
                + " AND metric_name = 'worker_offline'"));
    }

    private String awaitStatus(long workerId, String wanted) throws Exception {
        return Await.until("worker " + workerId + " " + wanted, Duration.ofSeconds(15),
                () -> json(admin().get("api/v1/admin/workers/" + workerId).body()).getString("status"), wanted::equals);
    }

    private Api.RegisteredWorker register() throws Exception {
        return admin().registerWorker("gpu-" + WORKERS.incrementAndGet());
    }

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    /** Two GPUs of 700 W, running both instances of comfyui. */
    private static String hello(long workerId, int intervalSeconds) {
        return Frames.hello(workerId, intervalSeconds, 2, "comfyui", "comfyui@2");
    }

    /** GPU 0 at that utilization, GPU 1 idle without a fan reading. */
    private static String metrics(long workerId, long seq, Instant taken, int utilization) {
        return Frames.metrics(workerId, seq, taken, Frames.BUSY.utilization(utilization), Frames.IDLE);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
