package com.trulience.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run as its own process so that exit codes and the two streams are real. */
class AgentTest {

    @TempDir
    Path workingDirectory;

    record Run(int exitCode, String out, String err) {
    }

    private Run agent(Map<String, String> environment, String... args) {
        try {
            String classpath = Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator
                    + Files.readString(Path.of("target/test-classpath.txt")).strip();
            var command = new java.util.ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classpath, Agent.class.getName()));
            command.addAll(List.of(args));
            var builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
            builder.environment().keySet().removeIf(name -> name.matches(
                    "BACKEND_WS_URL|WORKER_ID|AGENT_TOKEN|METRICS_INTERVAL_SECS|NVML_LIBRARY|SIMULATE_GPUS|FAKE_NVML_SCRIPT|BUFFER_.*|ALLOWED_SERVICES"));
            builder.environment().putAll(environment);
            Path err = workingDirectory.resolve("stderr.txt");
            Process process = builder.redirectError(err.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            return new Run(process.exitValue(), out, Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oncePrintsExactlyTheScriptedValues() throws IOException {
        var fake = FakeNvml.complete();
        Path script = workingDirectory.resolve("script.txt");
        Files.writeString(script, """
                count 2
                gpu 0 memory 85520809984 43352473600 42168336384
                gpu 0 temperature 61
                gpu 0 utilization 97 40
                gpu 0 power 512345
                gpu 0 fail fan 3
                gpu 0 sm_clock 1755
                gpu 0 memory_temperature 66
                gpu 0 clocks_event_reasons 0x45
                gpu 0 ecc_uncorrected_volatile 2
                gpu 0 remapped_rows 0 1 1 0
                gpu 0 pcie_replay 7
                gpu 1 memory 48305799168 0 1073741824
                gpu 1 temperature 44
                gpu 1 utilization 3 1
                gpu 1 fail power 4
                gpu 1 fan 30
                gpu 1 fail sm_clock 3
                gpu 1 fail memory_temperature 3
                gpu 1 fail clocks_event_reasons 3
                gpu 1 fail ecc 3
                gpu 1 fail remapped_rows 3
                gpu 1 fail pcie_replay 3
                """);

        Run run = agent(Map.of("NVML_LIBRARY", fake.path(), "FAKE_NVML_SCRIPT", script.toString(), "WORKER_ID", "7"),
                "--once");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":1,\"timestamp\":\"T\",\"metrics\":["
                + "{\"gpu_index\":0,\"vram_used_mb\":40214,\"vram_total_mb\":81559,\"temperature_celsius\":61,"
                + "\"utilization_percent\":97,\"power_draw_watts\":512,\"fan_speed_percent\":null,"
                + "\"sm_clock_mhz\":1755,\"memory_temperature_celsius\":66,\"throttle_reasons\":[\"sw_power_cap\",\"hw_thermal_slowdown\"],"
                + "\"ecc_uncorrected_volatile\":2,\"remapped_rows_pending\":true,\"remapped_rows_failure\":false,\"pcie_replay_count\":7,\"processes\":[]},"
                + "{\"gpu_index\":1,\"vram_used_mb\":1024,\"vram_total_mb\":46068,\"temperature_celsius\":44,"
                + "\"utilization_percent\":3,\"power_draw_watts\":null,\"fan_speed_percent\":30,"
                + "\"sm_clock_mhz\":null,\"memory_temperature_celsius\":null,\"throttle_reasons\":null,"
                + "\"ecc_uncorrected_volatile\":null,\"remapped_rows_pending\":null,\"remapped_rows_failure\":null,"
                + "\"pcie_replay_count\":null,\"processes\":[]}]}\n",
                run.out().replaceFirst("\"timestamp\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\"", "\"timestamp\":\"T\""));
    }

    @Test
    void onceExplainsAMissingDriverAndFails() {
        Run run = agent(Map.of("NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1"), "--once");

        assertEquals(1, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().contains("The NVIDIA driver library /nonexistent/libnvidia-ml.so.1 was not found:"
                + " install the NVIDIA driver"), run.err());
    }

    @Test
    void oncePrintsSimulatedGpusWithoutADriver() {
        Run run = agent(Map.of("SIMULATE_GPUS", "2", "NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1"), "--once");

        assertEquals(0, run.exitCode(), run.err());
        JsonObject frame = Json.createReader(new StringReader(run.out())).readObject();
        assertEquals("gpu_metrics", frame.getString("type"));
        assertEquals(2, frame.getJsonArray("metrics").size());
    }

    @Test
    void refusesAnInvalidSettingNamingTheVariable() {
        Run run = agent(Map.of("WORKER_ID", "seven"), "--once");

        assertEquals(2, run.exitCode());
        assertEquals("WORKER_ID must be a whole number from 1 to 9223372036854775807, not 'seven'.\n", run.err());
    }

    @Test
    void refusesAnInvalidSettingFromTheDotEnvFile() throws IOException {
        Files.writeString(workingDirectory.resolve(".env"), "METRICS_INTERVAL_SECS=0\n");

        Run run = agent(Map.of(), "--once");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("METRICS_INTERVAL_SECS must be"), run.err());
    }

    @Test
    void refusesToServeABackendWithoutTheWorkersToken() {
        Run run = agent(Map.of("BACKEND_WS_URL", "ws://127.0.0.1:9/ws/metrics", "WORKER_ID", "3", "SIMULATE_GPUS", "1"));

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("BACKEND_WS_URL is set, so WORKER_ID and AGENT_TOKEN must be set too"), run.err());
    }

    @Test
    void refusesABufferDirAnotherAgentHolds() throws IOException {
        Path buffer = workingDirectory.resolve("outbox");
        try (var held = com.trulience.agent.link.Outbox.open(buffer, 10)) {
            Run run = agent(Map.of("BACKEND_WS_URL", "ws://127.0.0.1:9/ws/metrics", "WORKER_ID", "3", "AGENT_TOKEN", "t",
                    "SIMULATE_GPUS", "1", "BUFFER_DIR", buffer.toString()));

            assertEquals(2, run.exitCode());
            assertTrue(run.err().contains("is in use by another trulience-agent"), run.err());
        }
    }

    @Test
    void printsItsVersionAndHelp() {
        assertEquals("trulience-agent " + Agent.version() + "\n", agent(Map.of(), "--version").out());
        assertTrue(agent(Map.of(), "--help").out().contains("--once"));
        assertEquals(2, agent(Map.of(), "--bogus").exitCode());
    }
}
