package com.trulience.restarts;

import com.trulience.testing.Deployed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.trulience.testing.AgentClient;
import com.trulience.testing.AgentProcess;
import com.trulience.testing.Await;
import com.trulience.testing.Frames;
import com.trulience.testing.Api;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Seed Task 7.2: restart log creation and status tracking, through the API, the WebSocket and a real agent process. */
@ExtendWith(ArquillianExtension.class)
class RestartIT extends Deployed {

    private static final String DATABASE = "trulience_it_restart";
    private static final String ADMIN_PASSWORD = "restart-admin-password";
    private static final AtomicInteger WORKERS = new AtomicInteger();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of("restart.ack.timeout.seconds", "3"));
    }

    @Test
    void refusesInvalidRequestsWithProblemDocuments() throws Exception {
        var worker = register();
        try (var agent = online(worker)) {
            for (String hostile : List.of("comfyui; rm -rf /", "$(reboot)", "../x", "comfyui\\n", "comfyu\u0456", "")) {
                var refused = restart(worker.id(), "{\"service_name\":\"" + hostile + "\",\"force\":false}");
                assertEquals(400, refused.statusCode(), hostile + ": " + refused.body());
                assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            }
            var notAllowed = restart(worker.id(), "{\"service_name\":\"sshd\"}");
            assertEquals(400, notAllowed.statusCode());
            assertTrue(notAllowed.body().contains("not in the allow-list"), notAllowed.body());
            assertEquals(400, restart(worker.id(), "{\"service_name\":\"comfyui\",\"reason\":\"" + "x".repeat(501) + "\"}").statusCode());
            assertEquals(400, restart(worker.id(), "{oops").statusCode());
            assertEquals(404, restart(999_999, "{\"service_name\":\"comfyui\"}").statusCode());
            assertEquals(404, admin().get("api/v1/admin/restarts/999999").statusCode());
            assertEquals(401, Api.anonymous(base).post("api/v1/admin/workers/" + worker.id() + "/restart",
                    "{\"service_name\":\"comfyui\"}").statusCode());
        }
        assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM restart_logs WHERE worker_id = " + worker.id()));
    }

    @Test
    void recordsARestartOfAnOfflineWorkerAsFailedAndAnswers409() throws Exception {
        var worker = register();
        try (var agent = online(worker)) {
            agent.send(hello(worker.id()));
        }
        awaitWorker(worker.id(), "offline");

        var refused = restart(worker.id(), "{\"service_name\":\"comfyui\",\"reason\":\"stuck\",\"force\":true}");
        assertEquals(409, refused.statusCode(), refused.body());
        long id = json(refused.body()).getJsonNumber("restart_id").longValue();
        var log = json(admin().get("api/v1/admin/restarts/" + id).body());
        assertEquals("failed", log.getString("status"));
        assertTrue(log.getString("error_message").contains("offline"), log.toString());
        assertEquals("admin", log.getString("initiated_by"));
        assertEquals("stuck", log.getString("reason"));
        assertTrue(log.getBoolean("force"));
        assertNotNull(log.getString("completed_at"));
    }

    @Test
    void twoRequestsAtOnceStartExactlyOneRestart() throws Exception {
        var worker = register();
        try (var agent = online(worker)) {
            var start = new CountDownLatch(1);
            var answers = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < 2; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                        return restart(worker.id(), "{\"service_name\":\"comfyui\",\"reason\":\"race\"}");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            start.countDown();
            var statuses = answers.stream().map(CompletableFuture::join).toList();
            var accepted = statuses.stream().filter(r -> r.statusCode() == 202).toList();
            var conflicts = statuses.stream().filter(r -> r.statusCode() == 409).toList();
            assertEquals(1, accepted.size(), statuses.stream().map(HttpResponse::body).toList().toString());
            assertEquals(1, conflicts.size());
            long id = json(accepted.get(0).body()).getJsonNumber("id").longValue();
            assertEquals(id, json(conflicts.get(0).body()).getJsonNumber("restart_id").longValue());
            assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM restart_logs WHERE worker_id = " + worker.id()));

            var command = json(agent.next());
            assertEquals("restart", command.getString("type"));
            assertEquals(id, command.getJsonNumber("restart_id").longValue());
            assertEquals("comfyui", command.getString("service_name"));
            assertFalse(command.getBoolean("force"));
            assertEquals("race", command.getString("reason"));

            // the in-flight rule holds until the restart ends
            assertEquals(409, restart(worker.id(), "{\"service_name\":\"comfyui\"}").statusCode());
            agent.send(status(id, "stopping", null)).send(status(id, "restarting", null)).send(status(id, "completed", null));
            awaitRestart(id, "completed");
            assertEquals(202, restart(worker.id(), "{\"service_name\":\"comfyui@2\",\"force\":true}").statusCode());
        }
    }

    @Test
    void checksEveryStatusAnAgentSendsAndKeepsTheSocketOpen() throws Exception {
        var worker = register();
        var other = register();
        try (var agent = online(worker); var otherAgent = online(other)) {
            long id = json(restart(worker.id(), "{\"service_name\":\"comfyui\"}").body()).getJsonNumber("id").longValue();
            assertEquals("restart", json(agent.next()).getString("type"));

            otherAgent.send(status(id, "stopping", null));
            assertEquals("restart_id", json(otherAgent.next()).getString("field"), "another worker's restart");
            agent.send(status(id, "rebooting", null));
            assertEquals("status", json(agent.next()).getString("field"));
            agent.send(status(id, "completed", null));
            var skip = json(agent.next());
            assertEquals("status", skip.getString("field"), "completed straight from initiated");
            agent.send(status(id, "failed", null));
            assertEquals("error_message", json(agent.next()).getString("field"), "failed needs a reason");
            agent.send(status(id, "failed", "x".repeat(1001)));
            assertEquals("error_message", json(agent.next()).getString("field"));

            agent.send(status(id, "waiting_for_job", null)).send(status(id, "waiting_for_job", null));
            agent.send(status(id, "stopping", null));
            awaitRestart(id, "stopping");
            agent.send(status(id, "waiting_for_job", null));
            assertEquals("status", json(agent.next()).getString("field"), "no going back");
            agent.send(status(id, "failed", "systemctl restart comfyui.service failed (exit 4): Access denied"));
            var failed = awaitRestart(id, "failed");
            assertTrue(failed.getString("error_message").contains("Access denied"));
            agent.send(status(id, "completed", null));
            assertEquals("status", json(agent.next()).getString("field"), "nothing after failed");
            assertTrue(agent.isOpen());

            // a command nobody acknowledges fails after the (test's) 3 s
            long unanswered = json(restart(worker.id(), "{\"service_name\":\"comfyui\"}").body()).getJsonNumber("id").longValue();
            var unreachable = awaitRestart(unanswered, "failed");
            assertTrue(unreachable.getString("error_message").startsWith("agent unreachable"), unreachable.toString());

            var history = Json.createReader(new StringReader(admin().get("api/v1/admin/workers/" + worker.id() + "/restarts").body()))
                    .readArray();
            assertEquals(List.of(unanswered, id), history.stream().map(v -> v.asJsonObject().getJsonNumber("id").longValue()).toList());
        }
    }

    @Test
    void aRealAgentProcessWaitsForTheJobThenCompletesTheRestart() throws Exception {
        AgentProcess.jar();
        var worker = register();
        var busy = new AtomicBoolean(true);
        var queuePolls = new AtomicInteger();
        var comfyUi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        comfyUi.createContext("/queue", exchange -> {
            queuePolls.incrementAndGet();
            byte[] body = ("{\"queue_running\":" + (busy.get() ? "[[1,\"p\",{},{},[]]]" : "[]") + ",\"queue_pending\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        comfyUi.createContext("/system_stats", exchange -> {
            byte[] body = "{\"system\":{},\"devices\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        comfyUi.start();
        Path directory = Files.createTempDirectory(Path.of("target"), "restart-agent");
        Process agent = AgentProcess.start(directory, Map.of(
                "BACKEND_WS_URL", AgentClient.metricsUri(base).toString(),
                "WORKER_ID", Long.toString(worker.id()),
                "AGENT_TOKEN", worker.token(),
                "SIMULATE_GPUS", "1",
                "SIMULATE_SERVICES", "true",
                "ALLOWED_SERVICES", "comfyui",
                "COMFYUI_URL", "http://127.0.0.1:" + comfyUi.getAddress().getPort(),
                "BUFFER_DIR", directory.resolve("outbox").toString(),
                "METRICS_INTERVAL_SECS", "2"));
        try {
            awaitWorker(worker.id(), "online");
            var accepted = restart(worker.id(), "{\"service_name\":\"comfyui\",\"reason\":\"VRAM leak\",\"force\":false}");
            assertEquals(202, accepted.statusCode(), accepted.body());
            assertTrue(accepted.headers().firstValue("Location").orElse("").endsWith("/api/v1/admin/restarts/"
                    + json(accepted.body()).getJsonNumber("id")), accepted.headers().toString());
            long id = json(accepted.body()).getJsonNumber("id").longValue();

            awaitRestart(id, "waiting_for_job");
            // the agent finds the job still running twice more, and goes on waiting
            int polled = queuePolls.get();
            Await.until("two more looks at ComfyUI's queue", Duration.ofSeconds(30), () -> queuePolls.get() >= polled + 2);
            assertEquals("waiting_for_job", restartLog(id).getString("status"), "no restart while the job runs");
            busy.set(false);

            var done = awaitRestart(id, "completed");
            assertEquals("admin", done.getString("initiated_by"));
            assertEquals("VRAM leak", done.getString("reason"));
            assertFalse(done.containsKey("error_message") && !done.isNull("error_message"), done.toString());
            var started = OffsetDateTime.parse(done.getString("started_at"));
            var completed = OffsetDateTime.parse(done.getString("completed_at"));
            assertTrue(!completed.isBefore(started) && completed.isBefore(started.plusSeconds(60)), done.toString());
            String log = Files.readString(directory.resolve("agent.log"));
            assertTrue(log.contains("SIMULATED restart of comfyui"), log);
        } finally {
            agent.destroy();
            agent.waitFor();
            comfyUi.stop(0);
        }
    }

    private HttpResponse<String> restart(long workerId, String body) throws Exception {
        return admin().post("api/v1/admin/workers/" + workerId + "/restart", body);
    }

    private JsonObject restartLog(long id) throws Exception {
        return json(admin().get("api/v1/admin/restarts/" + id).body());
    }

    private JsonObject awaitRestart(long id, String wanted) throws Exception {
        var log = Await.until("restart " + id + " " + wanted, Duration.ofSeconds(30), () -> restartLog(id),
                found -> found.getString("status").equals(wanted));
        assertEquals(wanted, log.getString("status"), log.toString());
        return log;
    }

    private void awaitWorker(long id, String wanted) throws Exception {
        String status = Await.until("worker " + id + " " + wanted, Duration.ofSeconds(30),
                () -> json(admin().get("api/v1/admin/workers/" + id).body()).getString("status"), wanted::equals);
        assertEquals(wanted, status);
    }

    private AgentClient online(Api.RegisteredWorker worker) throws Exception {
        var agent = AgentClient.connect(base, worker.token());
        agent.send(hello(worker.id()));
        awaitWorker(worker.id(), "online");
        return agent;
    }

    private Api.RegisteredWorker register() throws Exception {
        return admin().registerWorker("restart-" + WORKERS.incrementAndGet());
    }

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    /** No GPUs, and a long interval: online without sending samples. */
    private static String hello(long workerId) {
        return Frames.hello(workerId, 60, 0, "comfyui", "comfyui@2");
    }

    private static String status(long restartId, String status, String error) {
        return Frames.restartStatus(restartId, status, error);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
