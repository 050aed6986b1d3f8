package com.trulience.restarts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.trulience.agent.comfyui.FakeComfyUi;
import com.trulience.testing.AgentClient;
import com.trulience.testing.AgentProcess;
import com.trulience.testing.Api;
import com.trulience.testing.Await;
import com.trulience.testing.Browser;
import com.trulience.testing.Deployed;
import com.trulience.testing.Frames;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * Issue 18 from raw frames (a test client acts as the agent): the comfyui object to the alerts, the remediation
 * actions and their audit rows, and auto_free_memory. The idle period is 3 s (LEAK_IDLE_MINUTES=0.05), counted on the
 * backend's receive time, so the tests wait it out for real; every other step waits for an outcome. The acceptance
 * test runs the real agent jar on the fake NVML and the agent's FakeComfyUi.
 */
@ExtendWith(ArquillianExtension.class)
class ComfyUiIT extends Deployed {

    private static final String DATABASE = "trulience_it_comfyui";
    private static final String ADMIN_PASSWORD = "comfyui-admin-password";
    private static final AtomicInteger WORKERS = new AtomicInteger();
    private static final Duration IDLE_PERIOD = Duration.ofSeconds(3);
    private static final int TOTAL_MB = 24_576;
    private static final int HELD_MB = 20_480;
    private final AtomicLong seq = new AtomicLong();
    /** Each sample a second of its own, in the past (a repeated timestamp is a redelivery); the backend's idle clock is its own. */
    private final Instant firstSample = Instant.now().minusSeconds(600);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of("leak.idle.minutes", "0.05",
                "leak.vram.percent", "50", "restart.ack.timeout.seconds", "30"));
    }

    private static volatile boolean warm;

    /** On a loaded machine the first requests after deployment can outlast the client's 10 s timeout. */
    @BeforeEach
    void backendAnswers() throws Exception {
        if (!warm) {
            Await.until("the backend answers", Duration.ofSeconds(180), () -> {
                try {
                    return admin().get("api/v1/admin/workers").statusCode();
                } catch (java.io.IOException slow) {
                    return -1;
                }
            }, status -> status == 200);
            warm = true;
        }
    }

    @Test
    void idleVramHeldThenFreeVramCompletesWithBeforeAndAfterAndTheAlertResolves() throws Exception {
        var worker = register();
        try (var agent = online(worker)) {
            sample(agent, worker.id(), HELD_MB, IDLE);
            Thread.sleep(IDLE_PERIOD.plusMillis(500).toMillis());
            sample(agent, worker.id(), HELD_MB, IDLE);
            long alert = awaitOpenAlert(worker.id(), "idle_vram_held");
            String message = TestDatabase.query(DATABASE, "SELECT message FROM alerts WHERE id = " + alert);
            assertTrue(message.startsWith("GPU 0 holds 20480 of 24576 MiB (83.3 %, above 50 %) while ComfyUI has had no job for"), message);
            assertTrue(message.contains("python3"), "names the top holder: " + message);
            assertEquals("warning", TestDatabase.query(DATABASE, "SELECT severity FROM alerts WHERE id = " + alert));

            var accepted = action(worker.id(), "{\"action\":\"free_memory\",\"service_name\":\"comfyui\",\"reason\":\"VRAM held while idle\"}");
            assertEquals(202, accepted.statusCode(), accepted.body());
            var row = json(accepted.body());
            long id = row.getJsonNumber("id").longValue();
            assertEquals("free_memory", row.getString("action"));
            assertEquals("initiated", row.getString("status"));

            var command = json(agent.next());
            assertEquals("action", command.getString("type"));
            assertEquals(id, command.getJsonNumber("action_id").longValue());
            assertEquals("free_memory", command.getString("action"));
            assertEquals("comfyui", command.getString("service_name"));
            assertFalse(command.getBoolean("force"));
            assertEquals("VRAM held while idle", command.getString("reason"));

            agent.send(actionStatus(id, "running", null, null, null));
            awaitRow(id, "running");
            agent.send(actionStatus(id, "completed", null, HELD_MB, 1100));
            var done = awaitRow(id, "completed");
            assertEquals(HELD_MB, done.getInt("vram_before_mb"));
            assertEquals(1100, done.getInt("vram_after_mb"));
            assertEquals("admin", done.getString("initiated_by"));

            sample(agent, worker.id(), 1100, IDLE);
            Await.until("alert " + alert + " resolved", Duration.ofSeconds(30),
                    () -> "resolved".equals(TestDatabase.query(DATABASE, "SELECT state FROM alerts WHERE id = " + alert)));
            assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM alerts WHERE metric_name = 'idle_vram_held' AND worker_id = " + worker.id()));

            var history = Json.createReader(new StringReader(admin().get("api/v1/admin/workers/" + worker.id() + "/restarts").body())).readArray();
            assertEquals("free_memory", history.getJsonObject(0).getString("action"));
            var comfy = json(admin().get("api/v1/admin/workers/" + worker.id() + "/comfyui").body());
            assertEquals("ComfyUI 0.3.40 idle", comfy.getString("summary"));
            assertEquals(3, comfy.getJsonArray("samples").size());
            assertEquals(0, comfy.getJsonArray("samples").getJsonObject(2).getInt("jobs_running"));
        }
    }

    @Test
    void anInterruptNeedsForceOneActionIsInFlightAndEveryStatusIsChecked() throws Exception {
        var worker = register();
        try (var agent = online(worker)) {
            var unconfirmed = action(worker.id(), "{\"action\":\"interrupt\",\"service_name\":\"comfyui\",\"force\":false}");
            assertEquals(400, unconfirmed.statusCode(), unconfirmed.body());
            assertEquals("force", json(unconfirmed.body()).getString("field"));
            var unknown = action(worker.id(), "{\"action\":\"reboot\",\"service_name\":\"comfyui\"}");
            assertEquals(400, unknown.statusCode());
            assertEquals("action", json(unknown.body()).getString("field"));
            assertEquals(404, action(999_999, "{\"action\":\"free_memory\",\"service_name\":\"comfyui\"}").statusCode());
            assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM restart_logs WHERE worker_id = " + worker.id()));

            var accepted = action(worker.id(), "{\"action\":\"free_memory\",\"service_name\":\"comfyui\"}");
            assertEquals(202, accepted.statusCode(), accepted.body());
            long id = json(accepted.body()).getJsonNumber("id").longValue();
            json(agent.next());
            var restart = admin().post("api/v1/admin/workers/" + worker.id() + "/restart", "{\"service_name\":\"comfyui\"}");
            assertEquals(409, restart.statusCode(), restart.body());
            assertEquals(id, json(restart.body()).getJsonNumber("restart_id").longValue());
            var second = action(worker.id(), "{\"action\":\"interrupt\",\"service_name\":\"comfyui\",\"force\":true}");
            assertEquals(409, second.statusCode());

            agent.send(Frames.restartStatus(id, "stopping", null));
            assertEquals("restart_id", json(agent.next()).getString("field"), "an action's row takes action_status only");
            agent.send(actionStatus(id, "running", null, null, null));
            awaitRow(id, "running");
            agent.send(actionStatus(id, "failed", null, null, null));
            assertEquals("error_message", json(agent.next()).getString("field"));
            agent.send(actionStatus(id, "failed", "VRAM did not fall (20480 MiB before, 20400 MiB after 30 s)", HELD_MB, 20_400));
            var failed = awaitRow(id, "failed");
            assertEquals("VRAM did not fall (20480 MiB before, 20400 MiB after 30 s)", failed.getString("error_message"));
            assertEquals(20_400, failed.getInt("vram_after_mb"));
            agent.send(actionStatus(id, "completed", null, null, null));
            var late = json(agent.next());
            assertEquals("error", late.getString("type"));
            assertEquals("status", late.getString("field"));
            assertTrue(agent.isOpen());

            var interrupt = action(worker.id(), "{\"action\":\"interrupt\",\"service_name\":\"comfyui\",\"force\":true,\"reason\":\"stuck job\"}");
            assertEquals(202, interrupt.statusCode(), interrupt.body());
            var command = json(agent.next());
            assertEquals("interrupt", command.getString("action"));
            assertTrue(command.getBoolean("force"));
            long interruptId = command.getJsonNumber("action_id").longValue();
            agent.send(Frames.restartStatus(interruptId, "completed", null));
            assertEquals("restart_id", json(agent.next()).getString("field"));
            agent.send(actionStatus(interruptId, "completed", null, null, null));
            awaitRow(interruptId, "completed");
        }
    }

    @Test
    void autoFreeMemoryRequestsOneFreeMemoryPerAlertAsTheSystemUser() throws Exception {
        var worker = register();
        assertEquals(400, admin().put("api/v1/admin/workers/" + worker.id() + "/settings", "{}").statusCode());
        assertEquals(404, admin().put("api/v1/admin/workers/999999/settings", "{\"auto_free_memory\":true}").statusCode());
        assertFalse(json(admin().get("api/v1/admin/workers/" + worker.id()).body()).getBoolean("auto_free_memory"));
        var on = admin().put("api/v1/admin/workers/" + worker.id() + "/settings", "{\"auto_free_memory\":true}");
        assertEquals(200, on.statusCode(), on.body());
        assertTrue(json(on.body()).getBoolean("auto_free_memory"));
        assertTrue(json(admin().get("api/v1/admin/workers/" + worker.id()).body()).getBoolean("auto_free_memory"));
        try (var agent = online(worker)) {
            sample(agent, worker.id(), HELD_MB, IDLE);
            Thread.sleep(IDLE_PERIOD.plusMillis(500).toMillis());
            sample(agent, worker.id(), HELD_MB, IDLE);
            long alert = awaitOpenAlert(worker.id(), "idle_vram_held");
            var command = json(agent.next());
            assertEquals("free_memory", command.getString("action"));
            long id = command.getJsonNumber("action_id").longValue();
            var row = awaitRow(id, "initiated");
            assertEquals("system", row.getString("initiated_by"));
            assertEquals(alert, row.getJsonNumber("alert_id").longValue());
            assertTrue(row.getString("reason").contains("alert " + alert), row.toString());
            agent.send(actionStatus(id, "failed", "VRAM did not fall", HELD_MB, HELD_MB));
            awaitRow(id, "failed");

            // the alert stays open: more samples bring no second action for it
            for (int i = 0; i < 3; i++) {
                sample(agent, worker.id(), HELD_MB, IDLE);
            }
            assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM restart_logs WHERE worker_id = " + worker.id()));

            // a job resolves it; idle again past the period, a new alert gets its own action
            sample(agent, worker.id(), HELD_MB, "{\"reachable\":true,\"version\":\"0.3.40\",\"jobs_running\":1,\"jobs_pending\":0,\"running_prompt_id\":\"p-1\"}");
            Await.until("alert " + alert + " resolved", Duration.ofSeconds(30),
                    () -> "resolved".equals(TestDatabase.query(DATABASE, "SELECT state FROM alerts WHERE id = " + alert)));
            sample(agent, worker.id(), HELD_MB, IDLE);
            Thread.sleep(IDLE_PERIOD.plusMillis(500).toMillis());
            sample(agent, worker.id(), HELD_MB, IDLE);
            long next = awaitOpenAlert(worker.id(), "idle_vram_held");
            assertNotEquals(alert, next);
            var again = json(agent.next());
            assertEquals("free_memory", again.getString("action"));
            assertEquals(String.valueOf(next), TestDatabase.query(DATABASE, "SELECT alert_id FROM restart_logs WHERE id = "
                    + again.getJsonNumber("action_id").longValue()));
            assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM restart_logs WHERE worker_id = " + worker.id()
                    + " AND action <> 'free_memory'"), "never a restart or an interrupt");
        }
    }

    @Test
    void comfyUiUnreachableOpensAtTheThirdSilentSampleAndTheSystemUserCannotSignIn() throws Exception {
        var worker = register();
        try (var agent = online(worker)) {
            for (int i = 0; i < 3; i++) {
                sample(agent, worker.id(), 1000, "{\"reachable\":false}");
            }
            long alert = awaitOpenAlert(worker.id(), "comfyui_unreachable");
            assertEquals(null, TestDatabase.query(DATABASE, "SELECT gpu_index FROM alerts WHERE id = " + alert));
            assertEquals("ComfyUI unreachable", json(admin().get("api/v1/admin/workers/" + worker.id() + "/comfyui").body()).getString("summary"));
            sample(agent, worker.id(), 1000, IDLE);
            Await.until("alert " + alert + " resolved", Duration.ofSeconds(30),
                    () -> "resolved".equals(TestDatabase.query(DATABASE, "SELECT state FROM alerts WHERE id = " + alert)));
            agent.send(Frames.metrics(worker.id(), seq.incrementAndGet(), firstSample.plusSeconds(seq.get()), Frames.IDLE.at(0))
                    .replace("}]", "}],\"comfyui\":{\"reachable\":false,\"jobs_running\":0}"));
            assertEquals("comfyui.jobs_running", json(agent.next()).getString("field"));
        }
        assertEquals(401, Api.as(base, "system", "!reserved: cannot sign in").get("api/v1/admin/workers").statusCode());
        var reserved = admin().post("api/v1/admin/users", "{\"username\":\"system\",\"password\":\"Long-enough-password-1\",\"role\":\"admin\"}");
        assertEquals(400, reserved.statusCode(), reserved.body());
        assertEquals(400, admin().put("api/v1/admin/users/system/password", "{\"password\":\"Long-enough-password-1\"}").statusCode());
    }

    @Test
    void anAdminFreesVramFromTheAlertOnTheCard() throws Exception {
        Browser.assumeInstalled();
        var worker = register();
        try (var agent = online(worker); var browser = Browser.start()) {
            sample(agent, worker.id(), HELD_MB, IDLE);
            Thread.sleep(IDLE_PERIOD.plusMillis(500).toMillis());
            sample(agent, worker.id(), HELD_MB, IDLE);
            long alert = awaitOpenAlert(worker.id(), "idle_vram_held");
            browser.signIn(base, "admin", ADMIN_PASSWORD);
            browser.open(base, "admin/hardware.xhtml");
            var card = By.cssSelector("[data-worker='" + worker.id() + "']");
            String state = browser.until("the card's ComfyUI state", () -> Browser.text(browser.find(card).findElement(By.cssSelector(".comfyui-state"))));
            assertEquals("ComfyUI 0.3.40 idle", state);
            browser.until("the Free VRAM button", () -> {
                var buttons = browser.find(card).findElements(By.cssSelector(".free-vram-button"));
                if (buttons.isEmpty() || !buttons.get(0).isEnabled()) {
                    return false;
                }
                buttons.get(0).click();
                return true;
            });
            var confirm = browser.until("the actions dialog on Free VRAM", () -> {
                var button = browser.find(By.id("restart:confirm"));
                return button.isDisplayed() && Browser.text(button).equals("Free VRAM") ? button : null;
            });
            browser.screenshot("free-vram-dialog");
            confirm.click();

            var command = json(agent.next());
            assertEquals("action", command.getString("type"));
            assertEquals("free_memory", command.getString("action"));
            assertEquals("comfyui", command.getString("service_name"));
            long id = command.getJsonNumber("action_id").longValue();
            assertEquals("admin", awaitRow(id, "initiated").getString("initiated_by"));
            agent.send(actionStatus(id, "completed", null, HELD_MB, 1100));
            awaitRow(id, "completed");
            sample(agent, worker.id(), 1100, IDLE);
            Await.until("alert " + alert + " resolved", Duration.ofSeconds(30),
                    () -> "resolved".equals(TestDatabase.query(DATABASE, "SELECT state FROM alerts WHERE id = " + alert)));
            browser.open(base, "admin/hardware.xhtml");
            browser.until("no Free VRAM button once resolved",
                    () -> browser.find(card).findElements(By.cssSelector(".free-vram-button")).isEmpty());
            browser.screenshot("free-vram-resolved");
        }
    }

    /**
     * The acceptance with the real agent jar on the fake NVML and the fake ComfyUI (the agent's test-jar):
     * idle with 20 GiB of a 24 GiB card held -> one idle_vram_held; Free VRAM -> /free once, VRAM falls (the fake's
     * /free hook rewrites the NVML script), the row completed with before/after, the alert resolves; with a job running
     * free_memory never calls /interrupt; an interrupt outside the agent's ALLOWED_ACTIONS ends failed with the reason.
     */
    @Test
    void acceptanceWithTheRealAgentOnTheFakeNvmlAndTheFakeComfyUi() throws Exception {
        AgentProcess.jar();
        Path fakeNvml = Path.of("../agent/target/fake-nvml/libnvidia-ml.so.1").toAbsolutePath();
        assumeTrue(Files.isRegularFile(fakeNvml), "the fake NVML library was not built (no gcc?)");
        Path directory = Files.createTempDirectory(Path.of("target"), "comfyui-agent").toAbsolutePath();
        Path script = directory.resolve("fake-nvml.txt");
        long gib = 1L << 30;
        Files.writeString(script, "count 1\ngpu 0 name NVIDIA L4\ngpu 0 memory " + 24 * gib + " " + 4 * gib + " " + 20 * gib + "\n");
        var worker = register();
        Process agent = null;
        try (var comfy = new FakeComfyUi().idle().version("0.3.40").device(0, 24 * gib, 4 * gib)) {
            comfy.onFree(() -> replace(script, "count 1\ngpu 0 name NVIDIA L4\ngpu 0 memory " + 24 * gib + " "
                    + (24 * gib - 1100L * (1 << 20)) + " " + 1100L * (1 << 20) + "\n"));
            agent = AgentProcess.start(directory, Map.of(
                    "BACKEND_WS_URL", AgentClient.metricsUri(base).toString(),
                    "WORKER_ID", Long.toString(worker.id()),
                    "AGENT_TOKEN", worker.token(),
                    "NVML_LIBRARY", fakeNvml.toString(),
                    "FAKE_NVML_SCRIPT", script.toString(),
                    "BUFFER_DIR", directory.resolve("outbox").toString(),
                    "METRICS_INTERVAL_SECS", "1",
                    "COMFYUI_URL", comfy.url().toString(),
                    "ALLOWED_SERVICES", "comfyui",
                    "FREE_MEMORY_VERIFY_SECS", "5"));
            long alert = awaitOpenAlert(worker.id(), "idle_vram_held", Duration.ofSeconds(90));
            String message = TestDatabase.query(DATABASE, "SELECT message FROM alerts WHERE id = " + alert);
            assertTrue(message.startsWith("GPU 0 holds 20480 of 24576 MiB"), message);

            var accepted = action(worker.id(), "{\"action\":\"free_memory\",\"service_name\":\"comfyui\",\"reason\":\"acceptance\"}");
            assertEquals(202, accepted.statusCode(), accepted.body());
            var row = awaitRow(json(accepted.body()).getJsonNumber("id").longValue(), "completed");
            assertEquals(1, comfy.calls("/free"));
            assertEquals(20_480, row.getInt("vram_before_mb"));
            assertTrue(row.getInt("vram_after_mb") <= 1100 + 1, row.toString());
            Await.until("alert " + alert + " resolved", Duration.ofSeconds(30),
                    () -> "resolved".equals(TestDatabase.query(DATABASE, "SELECT state FROM alerts WHERE id = " + alert)));
            assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM alerts WHERE metric_name = 'idle_vram_held' AND worker_id = " + worker.id()));

            comfy.running("job-1", 1);
            var busy = action(worker.id(), "{\"action\":\"free_memory\",\"service_name\":\"comfyui\"}");
            assertEquals(202, busy.statusCode(), busy.body());
            long busyId = json(busy.body()).getJsonNumber("id").longValue();
            Await.until("free_memory " + busyId + " ended", Duration.ofSeconds(30),
                    () -> json(admin().get("api/v1/admin/restarts/" + busyId).body()).getString("status"),
                    status -> status.equals("completed") || status.equals("failed"));
            assertEquals(2, comfy.calls("/free"));
            assertEquals(0, comfy.calls("/interrupt"), "free_memory never interrupts the job");

            var interrupt = action(worker.id(), "{\"action\":\"interrupt\",\"service_name\":\"comfyui\",\"force\":true}");
            assertEquals(202, interrupt.statusCode(), interrupt.body());
            var refused = awaitRow(json(interrupt.body()).getJsonNumber("id").longValue(), "failed");
            assertEquals("refused: interrupt is not in this agent's ALLOWED_ACTIONS [free_memory, restart]", refused.getString("error_message"));
            assertEquals(0, comfy.calls("/interrupt"));
        } finally {
            if (agent != null) {
                agent.destroy();
                agent.waitFor();
            }
        }
    }

    /** As a test outside the agent changes the fake NVML's script: a new file renamed over the old one. */
    private static void replace(Path script, String text) {
        try {
            Path next = Files.createTempFile(script.getParent(), "fake-nvml", ".next");
            Files.writeString(next, text);
            Files.move(next, script, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final String IDLE = "{\"reachable\":true,\"version\":\"0.3.40\",\"jobs_running\":0,\"jobs_pending\":0,"
            + "\"running_prompt_id\":null,\"devices\":[{\"index\":0,\"torch_vram_total_mb\":20480,\"torch_vram_free_mb\":1024}]}";

    /** One GPU of 24 GiB with {@code usedMb} held by python3 in comfyui.service; waits for its ack. */
    private void sample(AgentClient agent, long workerId, int usedMb, String comfyui) throws Exception {
        long n = seq.incrementAndGet();
        var frame = json(Frames.metrics(workerId, n, firstSample.plusSeconds(n), new Frames.Gpu(0, usedMb, TOTAL_MB, 40, 0, 80, null)));
        var gpu = Json.createObjectBuilder(frame.getJsonArray("metrics").getJsonObject(0))
                .add("processes", Json.createArrayBuilder().add(Json.createObjectBuilder().add("pid", 1234).add("name", "python3")
                        .add("unit", "comfyui.service").add("vram_used_mb", usedMb)));
        agent.send(Json.createObjectBuilder(frame).add("metrics", Json.createArrayBuilder().add(gpu))
                .add("comfyui", json(comfyui)).build().toString());
        var ack = json(agent.next());
        assertEquals("ack", ack.getString("type"), ack.toString());
        assertEquals(n, ack.getJsonNumber("seq").longValue());
    }

    private static String actionStatus(long id, String status, String error, Integer before, Integer after) {
        var json = Json.createObjectBuilder().add("type", "action_status").add("action_id", id).add("status", status);
        if (error == null) {
            json.addNull("error_message");
        } else {
            json.add("error_message", error);
        }
        if (before == null) {
            json.addNull("vram_before_mb");
        } else {
            json.add("vram_before_mb", before);
        }
        if (after == null) {
            json.addNull("vram_after_mb");
        } else {
            json.add("vram_after_mb", after);
        }
        return json.build().toString();
    }

    private long awaitOpenAlert(long workerId, String kind) throws Exception {
        return awaitOpenAlert(workerId, kind, Duration.ofSeconds(30));
    }

    private long awaitOpenAlert(long workerId, String kind, Duration within) throws Exception {
        String id = Await.until(kind + " of worker " + workerId, within, () -> TestDatabase.query(DATABASE,
                "SELECT id FROM alerts WHERE state = 'open' AND metric_name = '" + kind + "' AND worker_id = " + workerId),
                found -> found != null);
        return Long.parseLong(id);
    }

    private HttpResponse<String> action(long workerId, String body) throws Exception {
        return admin().post("api/v1/admin/workers/" + workerId + "/actions", body);
    }

    private JsonObject awaitRow(long id, String wanted) throws Exception {
        var row = Await.until("action " + id + " " + wanted, Duration.ofSeconds(30),
                () -> json(admin().get("api/v1/admin/restarts/" + id).body()), found -> found.getString("status").equals(wanted));
        assertEquals(wanted, row.getString("status"), row.toString());
        return row;
    }

    private AgentClient online(Api.RegisteredWorker worker) throws Exception {
        var agent = AgentClient.connect(base, worker.token());
        agent.send(Frames.hello(worker.id(), 60, 1, "comfyui"));
        Await.until("worker " + worker.id() + " online", Duration.ofSeconds(30),
                () -> json(admin().get("api/v1/admin/workers/" + worker.id()).body()).getString("status"), "online"::equals);
        return agent;
    }

    private Api.RegisteredWorker register() throws Exception {
        return admin().registerWorker("comfy-" + WORKERS.incrementAndGet());
    }

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
