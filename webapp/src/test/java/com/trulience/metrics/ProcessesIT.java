package com.trulience.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.AgentProcess;
import com.trulience.testing.Await;
import com.trulience.testing.Browser;
import com.trulience.testing.Api;
import com.trulience.testing.Deployed;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * Who holds the VRAM, end to end: the real agent jar on the fake libnvidia-ml.so.1 reporting real child processes of
 * this test through the real WebSocket, the API, the worker page in Chromium, the hourly history and the VRAM alert.
 */
@ExtendWith(ArquillianExtension.class)
class ProcessesIT extends Deployed {

    private static final String DATABASE = "trulience_it_processes";
    private static final String ADMIN_PASSWORD = "processes-admin-password";
    private static final long MIB = 1024 * 1024;
    private static final AtomicInteger WORKERS = new AtomicInteger();
    /** The agent samples every second; a busy 2-core machine may take a while to store and show it. */
    private static final Duration AGENT = Duration.ofSeconds(60);
    private static final Duration PAGE = Duration.ofSeconds(30);
    private static Browser browser;

    private final List<Process> started = new ArrayList<>();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.withConfig(Map.of(
                "trulience.db.url", TestDatabase.recreate(DATABASE),
                "trulience.db.user", TestDatabase.USER,
                "trulience.admin.password", ADMIN_PASSWORD));
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process process : started) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void quit() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @Test
    void acceptanceTheApiAndThePageShowTwoRealProcessesByNameAndAGoneOneWithout() throws Exception {
        AgentProcess.jar();
        Path fakeNvml = Path.of("../agent/target/fake-nvml/libnvidia-ml.so.1").toAbsolutePath();
        assumeTrue(Files.isRegularFile(fakeNvml), "the fake NVML library was not built (no gcc?)");
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
        long first = child("sleep", "600");
        long second = child("sleep", "601");
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        long gone = done.pid();
        Path directory = Files.createTempDirectory(Path.of("target"), "processes-agent").toAbsolutePath();
        Path script = directory.resolve("fake-nvml.txt");
        Files.writeString(script, String.join("\n",
                "count 1",
                "gpu 0 name NVIDIA H100 80GB HBM3",
                "gpu 0 memory " + 81920 * MIB + " " + 41920 * MIB + " " + 40000 * MIB,
                "gpu 0 process " + first + " " + 30144 * MIB,
                "gpu 0 process " + second + " " + 2048 * MIB + " graphics",
                "gpu 0 process " + gone + " " + 512 * MIB,
                "gpu 0 process_utilization " + first + " 87 40",
                "gpu 0 utilization_timestamp 0",
                ""));
        var worker = admin().registerWorker("gpu-proc-" + WORKERS.incrementAndGet());
        var environment = Map.of(
                "BACKEND_WS_URL", AgentClient.metricsUri(base).toString(),
                "WORKER_ID", Long.toString(worker.id()),
                "AGENT_TOKEN", worker.token(),
                "NVML_LIBRARY", fakeNvml.toString(),
                "FAKE_NVML_SCRIPT", script.toString(),
                "BUFFER_DIR", directory.resolve("outbox").toString(),
                "METRICS_INTERVAL_SECS", "1");

        // What leaves the worker: the frame the agent builds, with REPORT_PROCESS_COMMAND_LINES unset (off).
        String frame = runOnce(directory, environment);
        assertTrue(frame.contains("\"processes\":["), frame);
        assertFalse(frame.contains("command_line"), frame);
        assertFalse(frame.contains("sleep 600"), frame);

        started.add(AgentProcess.start(directory, environment));
        JsonObject gpu = Await.until("three processes of GPU 0", AGENT, () -> gpus(worker.id()), gpus -> gpus.size() == 1
                && gpus.getJsonObject(0).get("processes") instanceof JsonArray list && list.size() == 3).getJsonObject(0);
        var processes = gpu.getJsonArray("processes");
        assertEquals(List.of(first, second, gone), processes.getValuesAs(JsonObject.class).stream()
                .map(p -> p.getJsonNumber("pid").longValue()).toList());
        assertEquals("sleep", processes.getJsonObject(0).getString("name"));
        assertEquals("sleep", processes.getJsonObject(1).getString("name"));
        assertEquals(30144, processes.getJsonObject(0).getInt("vram_used_mb"));
        assertEquals(87, processes.getJsonObject(0).getInt("sm_percent"));
        assertEquals(2048, processes.getJsonObject(1).getInt("vram_used_mb"));
        assertEquals(System.getProperty("user.name"), processes.getJsonObject(0).getString("user"));
        assertTrue(processes.getJsonObject(2).isNull("name"), "the gone process has no name: " + processes);
        assertEquals(512, processes.getJsonObject(2).getInt("vram_used_mb"));
        assertEquals(40000, gpu.getInt("vram_used_mb"));
        assertEquals(40000 - 30144 - 2048 - 512, gpu.getInt("unattributed_vram_mb"));
        String api = admin().get("api/v1/admin/workers/" + worker.id() + "/processes").body();
        assertFalse(api.contains("command_line"), api);
        assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_processes_latest WHERE worker_id = "
                + worker.id() + " AND processes::text LIKE '%command_line%'"));

        var current = json(admin().get("api/v1/admin/workers/metrics/current").body()).getJsonArray("workers")
                .getValuesAs(JsonObject.class).stream().filter(w -> w.getJsonNumber("id").longValue() == worker.id())
                .findFirst().orElseThrow().getJsonArray("gpus").getJsonObject(0);
        assertEquals(3, current.getJsonArray("processes").size(), current.toString());
        assertEquals(40000 - 30144 - 2048 - 512, current.getInt("unattributed_vram_mb"));

        signIn();
        browser.open(base, "admin/worker.xhtml?id=" + worker.id());
        // read inside the wait: every sample's push re-renders the list under the reader
        List<String> rows = browser.until("three holders on the worker page", () -> {
            var texts = browser.findAll(By.cssSelector("#holders [data-gpu='0'] tr.holder")).stream()
                    .map(Browser::text).toList();
            return texts.size() == 3 ? texts : null;
        }, PAGE);
        assertTrue(rows.get(0).contains("sleep") && rows.get(0).contains("30144") && rows.get(0).contains("36.8 %")
                && rows.get(0).contains("87 %"), rows.get(0));
        assertTrue(rows.get(1).contains("sleep") && rows.get(1).contains("2048"), rows.get(1));
        assertTrue(rows.get(2).contains("(exited)") && rows.get(2).contains("512"), rows.get(2));
        String unattributed = browser.until("the unattributed VRAM", () -> Browser.text(browser.find(
                By.cssSelector("#holders [data-gpu='0'] .unattributed"))));
        assertTrue(unattributed.contains((40000 - 30144 - 2048 - 512) + " MiB"), unattributed);
        browser.screenshot("worker-processes");
        browser.open(base, "admin/hardware.xhtml");
        String top = browser.until("the top holder on the card", () -> Browser.text(browser.find(
                By.cssSelector("[data-worker='" + worker.id() + "'] [data-gpu='0'] .top-holder"))), PAGE);
        assertTrue(top.contains("sleep") && top.contains("29.4 GB"), top);
    }

    @Test
    void hostileNamesAreTextOnThePageAndABadProcessFieldIsAnErrorThatKeepsTheSocket() throws Exception {
        var worker = admin().registerWorker("gpu-proc-" + WORKERS.incrementAndGet());
        String hostile = "<img src=x onerror=alert(1)>";
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id()));
            agent.send(metrics(worker.id(), 1, Instant.now().minusSeconds(20), 40000,
                    "[{\"pid\":7,\"name\":\"" + hostile + "\",\"unit\":\"comfyui.service\",\"user\":\"a&b\",\"vram_used_mb\":1000}]"));
            assertEquals("{\"type\":\"ack\",\"seq\":1}", agent.next());
            agent.send(metrics(worker.id(), 2, Instant.now().minusSeconds(19), 40000, "[{\"pid\":7,\"name\":\"a\\u0007b\"}]"));
            String error = agent.next();
            assertTrue(error.contains("\"type\":\"error\"") && error.contains("\"field\":\"metrics[0].processes[0].name\""), error);
            agent.send(metrics(worker.id(), 3, Instant.now().minusSeconds(18), 40000, "[]"));
            assertEquals("{\"type\":\"ack\",\"seq\":3}", agent.next(), "the socket stays open");
        }
        // seq 3 listed none: the current list is replaced with every sample
        assertEquals(0, gpus(worker.id()).getJsonObject(0).getJsonArray("processes").size());
        assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_process_hourly WHERE worker_id = " + worker.id()
                + " AND name = '" + hostile + "'"));

        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id()));
            agent.send(metrics(worker.id(), 4, Instant.now().minusSeconds(10), 40000,
                    "[{\"pid\":7,\"name\":\"" + hostile + "\",\"unit\":\"comfyui.service\",\"vram_used_mb\":1000}]"));
            assertEquals("{\"type\":\"ack\",\"seq\":4}", agent.next());
        }
        signIn();
        browser.open(base, "admin/worker.xhtml?id=" + worker.id());
        String name = browser.until("the marked holder", () -> Browser.text(browser.find(
                By.cssSelector("#holders [data-gpu='0'] tr.holder .allow-listed"))), PAGE);
        assertEquals(hostile, name, "shown as text, and comfyui.service is the announced comfyui");
        browser.screenshot("worker-processes-hostile");
        assertTrue(browser.findAll(By.cssSelector("#holders img")).isEmpty(), "no markup from a process name");
    }

    @Test
    void theHistoryNamesWhoHeldTheMostVramInEachHourAndAReplayCountsOnce() throws Exception {
        var worker = admin().registerWorker("gpu-proc-" + WORKERS.incrementAndGet());
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
        String comfy = "{\"pid\":10,\"name\":\"python3\",\"unit\":\"comfyui.service\",\"vram_used_mb\":%d}";
        String stray = "{\"pid\":11,\"name\":\"python3\",\"unit\":\"session-4.scope\",\"vram_used_mb\":%d}";
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id()));
            agent.send(metrics(worker.id(), 1, hour.plusSeconds(60), 40000,
                    "[" + comfy.formatted(30000) + "," + stray.formatted(2000) + "]"));
            assertEquals("{\"type\":\"ack\",\"seq\":1}", agent.next());
            agent.send(metrics(worker.id(), 2, hour.plusSeconds(120), 40000, "[" + comfy.formatted(20000) + "]"));
            assertEquals("{\"type\":\"ack\",\"seq\":2}", agent.next());
            // a replay after a reconnect: the same sample again
            agent.send(metrics(worker.id(), 1, hour.plusSeconds(60), 40000,
                    "[" + comfy.formatted(30000) + "," + stray.formatted(2000) + "]"));
            assertEquals("{\"type\":\"ack\",\"seq\":1}", agent.next());
        }
        var top = json(admin().get("api/v1/admin/workers/" + worker.id() + "/metrics?include=top_processes&since="
                + hour.minusSeconds(1800) + "&until=" + hour.plusSeconds(3600)).body()).getJsonArray("top_processes");
        assertEquals(2, top.size(), top.toString());
        var first = top.getJsonObject(0);
        assertEquals(hour.toString(), first.getString("hour"));
        assertEquals("comfyui.service", first.getString("unit"));
        assertEquals(30000, first.getInt("vram_used_mb_max"));
        assertEquals(25000.0, first.getJsonNumber("vram_used_mb_avg").doubleValue());
        assertEquals(2, first.getInt("samples"), "the replay is not counted again");
        assertEquals("session-4.scope", top.getJsonObject(1).getString("unit"));
        assertEquals(400, admin().get("api/v1/admin/workers/" + worker.id() + "/metrics?include=everything").statusCode());
        assertEquals(404, admin().get("api/v1/admin/workers/999999/processes").statusCode());
        assertEquals(401, Api.anonymous(base).get("api/v1/admin/workers/" + worker.id() + "/processes").statusCode());

    }

    @Test
    void theVramAlertNamesTheTopHolder() throws Exception {
        var worker = admin().registerWorker("gpu-proc-" + WORKERS.incrementAndGet());
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id()));
            agent.send(metrics(worker.id(), 1, Instant.now().minusSeconds(5), 81000,
                    "[{\"pid\":4242,\"name\":\"python3\",\"unit\":\"session-4.scope\",\"vram_used_mb\":70000},"
                            + "{\"pid\":10,\"name\":\"python3\",\"unit\":\"comfyui.service\",\"vram_used_mb\":9000}]"));
            assertEquals("{\"type\":\"ack\",\"seq\":1}", agent.next());
        }
        var alerts = Await.until("the VRAM alerts", AGENT, () -> Json.createReader(new StringReader(admin()
                .get("api/v1/admin/alerts?state=open&worker_id=" + worker.id()).body())).readArray().getValuesAs(JsonObject.class)
                .stream().filter(alert -> alert.getString("metric_name").startsWith("vram")).toList(), list -> list.size() == 2);
        for (var alert : alerts) {
            assertTrue(alert.getString("message").endsWith("top holder: python3 (PID 4242) in session-4.scope holds 70000 MiB"),
                    alert.toString());
        }
    }

    private long child(String... command) throws Exception {
        Process process = new ProcessBuilder(command).start();
        started.add(process);
        return process.pid();
    }


    private static String runOnce(Path directory, Map<String, String> environment) throws Exception {
        Process once = AgentProcess.command(directory, environment, "--once").redirectError(directory.resolve("once.log").toFile()).start();
        String out = new String(once.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(once.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, once.exitValue(), Files.readString(directory.resolve("once.log")));
        return out;
    }

    private JsonArray gpus(long workerId) throws Exception {
        var response = admin().get("api/v1/admin/workers/" + workerId + "/processes");
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body()).getJsonArray("gpus");
    }

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    private void signIn() throws Exception {
        if (browser == null) {
            Browser.assumeInstalled();
            browser = Browser.start();
        }
        browser.reset();
        browser.signIn(base, "admin", ADMIN_PASSWORD);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static String hello(long workerId) {
        return """
                {"type":"hello","worker_id":%d,"hostname":"gpu-host-%d","agent_version":"1.0.0","driver_version":"550.54.15",
                 "metrics_interval_secs":5,
                 "gpus":[{"gpu_index":0,"name":"NVIDIA H100 80GB HBM3","uuid":"GPU-a","power_limit_watts":700}],
                 "services":["comfyui"]}""".formatted(workerId, workerId);
    }

    private static String metrics(long workerId, long seq, Instant taken, int vramUsedMb, String processes) {
        return """
                {"type":"gpu_metrics","worker_id":%d,"seq":%d,"timestamp":"%s",
                 "metrics":[{"gpu_index":0,"vram_used_mb":%d,"vram_total_mb":81559,"temperature_celsius":50,
                             "utilization_percent":50,"power_draw_watts":300,"fan_speed_percent":30,"processes":%s}]}"""
                .formatted(workerId, seq, taken.truncatedTo(ChronoUnit.SECONDS), vramUsedMb, processes);
    }
}
