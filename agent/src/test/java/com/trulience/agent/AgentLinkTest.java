package com.trulience.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.agent.comfyui.FakeComfyUi;
import com.trulience.agent.link.Backoff;
import com.trulience.agent.link.TestBackend;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent, collecting simulated GPUs, against a real WebSocket server. */
class AgentLinkTest {

    @TempDir
    Path buffer;

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private Config config(URI url, Duration interval) {
        return config(url, interval, OptionalInt.empty());
    }

    private Config config(URI url, Duration interval, OptionalInt bufferMaxBatches) {
        return new Config(List.of(url), OptionalLong.of(7), Optional.of("s3cret"), interval, Optional.empty(), 2,
                Optional.of(buffer), 24, bufferMaxBatches, List.of("comfyui", "comfyui@2"), Config.Restart.DEFAULTS, List.of(), false, Config.Actions.DEFAULTS, false);
    }

    private static Backoff fast() {
        return new Backoff(Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofMinutes(1),
                new Random());
    }

    @Test
    void storesExactlyTheCollectedBatchesAfterTheBackendWasDownForAStretchOfCollections() {
        try (var backend = TestBackend.start();
                var agent = Agent.serve(config(backend.url(), Duration.ofMillis(200)), fast(), Duration.ofSeconds(5))) {
            Await.until("5 batches stored", () -> backend.stored().size() >= 5, () -> backend.messages().toString());

            backend.stop();
            long lastBeforeOutage = agent.outbox().lastSeq();
            Await.until("10 collections during the outage", () -> agent.outbox().lastSeq() >= lastBeforeOutage + 10,
                    () -> agent.outbox().seqs().toString());
            backend.startAgain();
            long lastOfOutage = agent.outbox().lastSeq();
            Await.until("5 more batches after the outage", () -> backend.stored().size() >= lastOfOutage + 5,
                    () -> backend.stored().keySet().toString());
            agent.loop().close();
            long collected = agent.outbox().lastSeq();
            Await.until("the outbox emptied", () -> agent.outbox().size() == 0, () -> agent.outbox().seqs().toString());

            TreeMap<Long, String> stored = backend.stored();
            assertEquals(LongStream.rangeClosed(1, collected).boxed().toList(), List.copyOf(stored.keySet()),
                    "every collected batch stored once, none missing");
            List<Long> order = backend.storeOrder();
            assertEquals(order.stream().sorted().toList(), order, "stored in collection order");
            List<Instant> timestamps = stored.values().stream().map(f -> Instant.parse(json(f).getString("timestamp"))).toList();
            assertEquals(timestamps.stream().sorted().toList(), timestamps, "original collection timestamps");
            assertTrue(stored.values().stream().allMatch(f -> json(f).getJsonArray("metrics").size() == 2));
            assertEquals(2, backend.connections());
            System.out.printf("acceptance: %d batches collected, %d during the outage, %d stored (distinct seqs), "
                            + "%d received in all, %d resent after an ack%n", collected, lastOfOutage - lastBeforeOutage,
                    stored.size(), backend.batches().size(), backend.resentAfterAck());
        }
    }

    @Test
    void saysOnStopHowManyBatchesAndSamplesItCollectedAndWhereTheyAre() throws Exception {
        try (var backend = TestBackend.start()) {
            var agent = Agent.serve(config(backend.url(), Duration.ofMillis(200)), fast(), Duration.ofSeconds(5));
            try {
                Await.until("3 batches stored", () -> backend.stored().size() >= 3, () -> backend.messages().toString());
                backend.stop();
                long lastStored = agent.outbox().lastSeq();
                Await.until("4 collections during the outage", () -> agent.outbox().lastSeq() >= lastStored + 4,
                        () -> agent.outbox().seqs().toString());
            } finally {
                agent.close();
            }
            var err = new java.io.ByteArrayOutputStream();
            agent.stopped(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));

            long collected = agent.outbox().lastSeq();
            int pending = agent.outbox().size();
            assertTrue(pending >= 4, "batches of the outage still pending: " + pending);
            // A batch stored just before the stop whose ack was lost is both: it stays pending and is replayed.
            var accounted = new java.util.TreeSet<>(backend.stored().keySet());
            accounted.addAll(agent.outbox().seqs());
            assertEquals(java.util.stream.LongStream.rangeClosed(1, collected).boxed().toList(), List.copyOf(accounted),
                    "every batch stored or pending");
            String line = err.toString(java.nio.charset.StandardCharsets.UTF_8);
            JsonObject record = json(Files.readString(buffer.resolve("run.json")));
            assertEquals("stopped", record.getString("state"));
            assertEquals(ProcessHandle.current().pid(), record.getJsonNumber("pid").longValue());
            assertEquals(1, record.getJsonNumber("first_seq").longValue());
            assertEquals(collected, record.getJsonNumber("last_seq").longValue());
            assertEquals(collected, record.getJsonNumber("batches_collected").longValue());
            assertEquals(2 * collected, record.getJsonNumber("gpu_samples_collected").longValue());
            assertEquals(0, record.getJsonNumber("batches_dropped").longValue());
            assertEquals(0, record.getJsonNumber("batches_dropped_after_sending").longValue());
            assertEquals(pending, record.getInt("batches_unacknowledged"));
            assertEquals(0, record.getInt("batches_held_at_start"));
            assertEquals(1, record.getInt("connections"));
            assertTrue(Instant.parse(record.getString("stopped_at")).compareTo(Instant.parse(record.getString("started_at"))) >= 0);
            assertTrue(line.contains(" INFO Agent: Stopped: collected " + collected + " batch(es), " + 2 * collected
                    + " GPU sample(s) since start (seq 1 to " + collected + "); 0 batch(es) dropped (outbox full or damaged); "
                    + pending + " not yet acknowledged, kept in " + buffer + " for the next start"), line);
        }
    }

    @Test
    void boundsTheOutboxToBufferMaxBatchesDroppingTheOldestAndSendsTheRest() {
        try (var backend = TestBackend.start()) {
            backend.stop();
            var agent = Agent.serve(config(backend.url(), Duration.ofMillis(100), OptionalInt.of(3)), fast(), Duration.ofSeconds(5));
            try {
                Await.until("8 collections while the backend is down", () -> agent.outbox().lastSeq() >= 8,
                        () -> agent.outbox().seqs().toString());
                agent.loop().close();
                assertEquals(3, agent.outbox().size());
                long collected = agent.outbox().lastSeq();
                assertEquals(collected - 3, agent.outbox().dropped(), "the oldest dropped and counted");
                assertEquals(LongStream.rangeClosed(collected - 2, collected).boxed().toList(), agent.outbox().seqs());

                backend.startAgain();
                Await.until("the outbox sent", () -> agent.outbox().size() == 0, () -> backend.stored().keySet().toString());
                assertEquals(List.of(collected - 2, collected - 1, collected), List.copyOf(backend.stored().keySet()));
            } finally {
                agent.close();
            }
        }
    }

    @Test
    void announcesTheWorkerItsGpusAndItsAllowedServicesFirst() {
        try (var backend = TestBackend.start();
                var agent = Agent.serve(config(backend.url(), Duration.ofSeconds(1)), fast(), Duration.ofSeconds(5))) {
            Await.until("one batch stored", () -> backend.stored().size() >= 1, () -> backend.messages().toString());

            JsonObject hello = json(backend.messages().get(0));
            assertEquals("hello", hello.getString("type"));
            assertEquals(7, hello.getInt("worker_id"));
            assertEquals(Agent.version(), hello.getString("agent_version"));
            assertEquals("simulated", hello.getString("driver_version"));
            assertEquals(1, hello.getInt("metrics_interval_secs"));
            assertEquals(List.of(0, 1), hello.getJsonArray("gpus").stream()
                    .map(g -> g.asJsonObject().getInt("gpu_index")).toList());
            assertEquals(350, hello.getJsonArray("gpus").getJsonObject(0).getInt("power_limit_watts"));
            assertEquals(List.of("comfyui", "comfyui@2"), hello.getJsonArray("services").getValuesAs(
                    jakarta.json.JsonString::getString));
            assertTrue(hello.getString("hostname").matches("[A-Za-z0-9][A-Za-z0-9.-]{0,252}"));
        }
    }

    @Test
    void replaysTheUnacknowledgedBatchesOfAnAgentKilledWithSigkill() throws Exception {
        try (var backend = TestBackend.start()) {
            backend.answer = batch -> null;
            Process first = agentProcess(backend.url(), "first.log");
            try {
                Await.until("3 batches sent and not acknowledged", () -> backend.batches().size() >= 3,
                        () -> backend.messages() + " " + log("first.log"));
            } finally {
                first.destroyForcibly();
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            }
            TreeMap<Long, String> unacknowledged = new TreeMap<>();
            for (String batch : backend.batches()) {
                unacknowledged.put(json(batch).getJsonNumber("seq").longValue(), batch);
            }
            List<Long> inOutbox = batchFiles();
            assertTrue(inOutbox.containsAll(unacknowledged.keySet()), inOutbox + " vs sent " + unacknowledged.keySet());
            JsonObject killedRun = json(Files.readString(buffer.resolve("run.json")));
            assertEquals("running", killedRun.getString("state"), "a kill -9 leaves the start record");
            assertEquals(1, killedRun.getJsonNumber("first_seq").longValue());
            assertEquals(first.pid(), killedRun.getJsonNumber("pid").longValue());


            backend.answer = batch -> TestBackend.ack(batch.getJsonNumber("seq").longValue());
            Process second = agentProcess(backend.url(), "second.log");
            try {
                Await.until("the killed agent's batches stored", () -> backend.stored().keySet().containsAll(inOutbox)
                        && backend.stored().lastKey() > inOutbox.get(inOutbox.size() - 1),
                        () -> backend.stored().keySet() + " " + log("second.log"));
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
            for (var sent : unacknowledged.entrySet()) {
                assertEquals(sent.getValue(), backend.stored().get(sent.getKey()), "replayed as collected");
            }
            assertTrue(log("second.log").contains("holds " + inOutbox.size() + " batch(es) not yet acknowledged"), log("second.log"));
            // The killed run leased seqs 1 to 1000, so the next run starts after them.
            assertTrue(log("second.log").contains("this run's first seq is 1001"), log("second.log"));
            assertTrue(log("second.log").matches("(?s).*INFO Agent: Stopped: collected \\d+ batch\\(es\\), \\d+ GPU sample\\(s\\) since start"
                    + " \\(seq 1001 to \\d+\\).*"), "the stop line of a SIGTERM: " + log("second.log"));
            JsonObject secondRun = json(Files.readString(buffer.resolve("run.json")));
            assertEquals("stopped", secondRun.getString("state"));
            assertEquals(second.pid(), secondRun.getJsonNumber("pid").longValue());
            assertEquals(1001, secondRun.getJsonNumber("first_seq").longValue());
            assertEquals(inOutbox.size(), secondRun.getInt("batches_held_at_start"));
            assertTrue(log("second.log").contains(" GPU sample(s) since start (seq 1001 to " + secondRun.getJsonNumber("last_seq")
                    + "); "), "the record and the stop line agree: " + secondRun + " " + log("second.log"));
        }
    }

    /**
     * The whole agent on the fake NVML and the fake ComfyUI: every batch carries the comfyui object, and a free_memory
     * from the backend makes the fake ComfyUI's /free replace the fake NVML's script with less VRAM used, which the
     * running agent reads at its next look; the statuses come back over the link. interrupt is not allowed by default.
     */
    @Test
    void reportsComfyUiAndFreesItsVramWhenTheBackendAsks() throws IOException {
        var nvml = FakeNvml.complete();
        Path script = nvml.script("count 1", "gpu 0 memory 25769803776 4294967296 21474836480");
        try (var comfyUi = new FakeComfyUi().running("job-7", 2).device(0, 25769803776L, 4294967296L);
                var backend = TestBackend.start()) {
            comfyUi.onFree(() -> replace(script, "count 1\ngpu 0 memory 25769803776 24621613056 1153433600\n"));
            var config = new Config(List.of(backend.url()), OptionalLong.of(7), Optional.of("s3cret"), Duration.ofMillis(200),
                    Optional.of(nvml.path()), 0, Optional.of(buffer), 24, OptionalInt.empty(), List.of("comfyui"),
                    new Config.Restart(comfyUi.url(), Duration.ofSeconds(5), Duration.ofSeconds(5), true), List.of(), false,
                    new Config.Actions(List.of("free_memory", "restart"), Duration.ofSeconds(10)), true);
            try (var agent = Agent.serve(config, fast(), Duration.ofSeconds(5))) {
                Await.until("a batch with ComfyUI's job", () -> backend.stored().values().stream()
                        .anyMatch(f -> json(f).getJsonObject("comfyui").getBoolean("reachable")), () -> backend.messages().toString());
                JsonObject comfy = backend.stored().values().stream().map(f -> json(f).getJsonObject("comfyui"))
                        .filter(c -> c.getBoolean("reachable")).findFirst().orElseThrow();
                assertEquals("{\"reachable\":true,\"version\":\"0.3.40\",\"jobs_running\":1,\"jobs_pending\":2,"
                        + "\"running_prompt_id\":\"job-7\",\"devices\":[{\"index\":0,\"torch_vram_total_mb\":24576,"
                        + "\"torch_vram_free_mb\":4096}]}", comfy.toString());
                assertTrue(backend.stored().values().stream().allMatch(f -> json(f).containsKey("comfyui")));

                comfyUi.idle();
                backend.sendToAgents("{\"type\":\"action\",\"action_id\":42,\"action\":\"free_memory\",\"service_name\":\"comfyui\","
                        + "\"force\":false,\"reason\":\"VRAM held while idle\"}");
                backend.sendToAgents("{\"type\":\"action\",\"action_id\":43,\"action\":\"interrupt\",\"service_name\":\"comfyui\","
                        + "\"force\":true,\"reason\":\"stuck\"}");
                Await.until("both actions ended", () -> statuses(backend, 42).contains("completed")
                        && statuses(backend, 43).contains("failed"), () -> backend.messages().toString());

                assertEquals(List.of("running", "completed"), statuses(backend, 42));
                JsonObject completed = actionStatuses(backend, 42).get(1);
                assertEquals(20480, completed.getInt("vram_before_mb"));
                assertEquals(1100, completed.getInt("vram_after_mb"));
                assertEquals(List.of("failed"), statuses(backend, 43));
                assertEquals("refused: interrupt is not in this agent's ALLOWED_ACTIONS [free_memory, restart]",
                        actionStatuses(backend, 43).get(0).getString("error_message"));
                assertEquals(1, comfyUi.calls("/free"));
                assertEquals(0, comfyUi.calls("/interrupt"));
                Await.until("a batch with the freed VRAM", () -> backend.stored().values().stream()
                        .anyMatch(f -> json(f).getJsonArray("metrics").getJsonObject(0).getInt("vram_used_mb") == 1100),
                        () -> backend.stored().lastEntry().getValue());
            }
        }
    }

    private static List<JsonObject> actionStatuses(TestBackend backend, long actionId) {
        return backend.messages().stream().map(AgentLinkTest::json)
                .filter(m -> m.getString("type").equals("action_status") && m.getJsonNumber("action_id").longValue() == actionId)
                .toList();
    }

    private static List<String> statuses(TestBackend backend, long actionId) {
        return actionStatuses(backend, actionId).stream().map(m -> m.getString("status")).toList();
    }

    /** As a test outside the agent would change the fake NVML's script: a new file renamed over the old one. */
    private static void replace(Path script, String text) {
        try {
            Path next = Files.createTempFile(script.getParent(), "fake-nvml", ".next");
            Files.writeString(next, text);
            Files.move(next, script, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Long> batchFiles() throws IOException {
        try (Stream<Path> files = Files.list(buffer)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("\\d+\\.json"))
                    .map(n -> Long.parseLong(n.substring(0, n.length() - 5))).sorted().toList();
        }
    }

    private String log(String name) {
        try {
            return Files.readString(buffer.getParent().resolve(name));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private Process agentProcess(URI url, String logName) throws IOException {
        String classpath = Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator
                + Files.readString(Path.of("target/test-classpath.txt")).strip();
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath, Agent.class.getName()));
        var builder = new ProcessBuilder(command).directory(buffer.getParent().toFile());
        builder.environment().keySet().removeIf(name -> name.matches("NVML_LIBRARY|FAKE_NVML_SCRIPT|ALLOWED_SERVICES|BUFFER_.*"));
        builder.environment().putAll(Map.of("BACKEND_WS_URL", url.toString(), "WORKER_ID", "7", "AGENT_TOKEN", "s3cret",
                "METRICS_INTERVAL_SECS", "1", "SIMULATE_GPUS", "2", "BUFFER_DIR", buffer.toString()));
        return builder.redirectErrorStream(true).redirectOutput(buffer.getParent().resolve(logName).toFile()).start();
    }
}
