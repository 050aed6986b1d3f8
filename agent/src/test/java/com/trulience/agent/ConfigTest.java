package com.trulience.agent;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTest {

    @TempDir
    Path directory;

    @Test
    void usesDefaultsWhenNothingIsSet() {
        Config config = Config.load(directory, Map.of());

        assertEquals(new Config(List.of(), OptionalLong.empty(), Optional.empty(), Duration.ofSeconds(5),
                Optional.empty(), 0, Optional.empty(), 24, OptionalInt.empty(), List.of("comfyui"), Config.Restart.DEFAULTS, List.of(), false, Config.Actions.DEFAULTS, false), config);
    }

    @Test
    void readsEveryVariable() {
        Config config = Config.load(directory, Map.ofEntries(
                Map.entry("BACKEND_WS_URL", "wss://monitor.example.com/ws/metrics"),
                Map.entry("WORKER_ID", "7"),
                Map.entry("AGENT_TOKEN", "s3cret"),
                Map.entry("METRICS_INTERVAL_SECS", "2"),
                Map.entry("NVML_LIBRARY", "/opt/nvidia/libnvidia-ml.so.1"),
                Map.entry("SIMULATE_GPUS", "3"),
                Map.entry("BUFFER_DIR", "/srv/agent-outbox"),
                Map.entry("BUFFER_MAX_HOURS", "48"),
                Map.entry("BUFFER_MAX_BATCHES", "500"),
                Map.entry("ALLOWED_SERVICES", " comfyui, comfyui@2 ,"),
                Map.entry("COMFYUI_URL", "http://10.0.0.5:8190"),
                Map.entry("RESTART_WAIT_MAX_SECS", "30"),
                Map.entry("RESTART_VERIFY_SECS", "15"),
                Map.entry("SIMULATE_SERVICES", "true"),
                Map.entry("ALLOWED_ACTIONS", "interrupt, free_memory"),
                Map.entry("FREE_MEMORY_VERIFY_SECS", "600")));

        assertEquals(new Config(List.of(URI.create("wss://monitor.example.com/ws/metrics")), OptionalLong.of(7),
                Optional.of("s3cret"), Duration.ofSeconds(2), Optional.of("/opt/nvidia/libnvidia-ml.so.1"), 3,
                Optional.of(Path.of("/srv/agent-outbox")), 48, OptionalInt.of(500), List.of("comfyui", "comfyui@2"),
                new Config.Restart(URI.create("http://10.0.0.5:8190/"), Duration.ofSeconds(30), Duration.ofSeconds(15), true), List.of(), false,
                new Config.Actions(List.of("interrupt", "free_memory"), Duration.ofSeconds(600)), true), config);
    }

    @Test
    void reportsProcessCommandLinesOnlyWhenSwitchedOn() {
        assertFalse(Config.load(directory, Map.of()).reportProcessCommandLines());
        assertTrue(Config.load(directory, Map.of("REPORT_PROCESS_COMMAND_LINES", "true")).reportProcessCommandLines());
        assertThrows(Config.Invalid.class, () -> Config.load(directory, Map.of("REPORT_PROCESS_COMMAND_LINES", "maybe")));
    }

    @Test
    void readsSeveralBackendNodesInOrder() {
        Config config = Config.load(directory, Map.of("BACKEND_WS_URL", " ws://10.0.0.1:8080/ws/metrics, wss://b.example.com/ws/metrics ,"));

        assertEquals(List.of(URI.create("ws://10.0.0.1:8080/ws/metrics"), URI.create("wss://b.example.com/ws/metrics")),
                config.backendUrls());
    }

    @Test
    void namesTheBadOneOfSeveralBackendUrls() {
        var refusal = assertThrows(Config.Invalid.class, () -> Config.load(directory,
                Map.of("BACKEND_WS_URL", "ws://10.0.0.1:8080/ws/metrics,http://10.0.0.2:8080/ws/metrics")));
        assertTrue(refusal.getMessage().startsWith("BACKEND_WS_URL must be a ws:// or wss:// URL"), refusal.getMessage());
        assertTrue(refusal.getMessage().endsWith("not 'http://10.0.0.2:8080/ws/metrics'."), refusal.getMessage());

        var twice = assertThrows(Config.Invalid.class, () -> Config.load(directory,
                Map.of("BACKEND_WS_URL", "ws://a:1/ws/metrics,ws://a:1/ws/metrics")));
        assertTrue(twice.getMessage().startsWith("BACKEND_WS_URL names a URL twice"), twice.getMessage());
    }

    @Test
    void readsTheDotEnvFileAndLetsTheEnvironmentWin() throws IOException {
        Files.writeString(directory.resolve(".env"), "WORKER_ID=12\nMETRICS_INTERVAL_SECS=10\n# comment\nAGENT_TOKEN=\n");

        Config config = Config.load(directory, Map.of("METRICS_INTERVAL_SECS", "3"));

        assertEquals(OptionalLong.of(12), config.workerId());
        assertEquals(Duration.ofSeconds(3), config.interval());
        assertEquals(Optional.empty(), config.agentToken(), "empty means unset");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "WORKER_ID             | seven",
            "WORKER_ID             | 0",
            "WORKER_ID             | -3",
            "METRICS_INTERVAL_SECS | 0",
            "METRICS_INTERVAL_SECS | 1.5",
            "METRICS_INTERVAL_SECS | 3601",
            "SIMULATE_GPUS         | many",
            "SIMULATE_GPUS         | 65",
            "BACKEND_WS_URL        | http://monitor.example.com/ws/metrics",
            "BACKEND_WS_URL        | monitor.example.com",
            "BACKEND_WS_URL        | ',  ,'",
            "BUFFER_MAX_HOURS      | 0",
            "BUFFER_MAX_HOURS      | 169",
            "BUFFER_MAX_BATCHES    | 0",
            "BUFFER_MAX_BATCHES    | 604801",
            "ALLOWED_SERVICES      | comfyui;rm -rf",
            "ALLOWED_SERVICES      | comfy ui",
            "ALLOWED_SERVICES      | -H.service",
            "ALLOWED_SERVICES      | comfyui.service",
            "ALLOWED_SERVICES      | comfyuі",
            "COMFYUI_URL           | file:///etc/passwd",
            "RESTART_WAIT_MAX_SECS | 0",
            "RESTART_WAIT_MAX_SECS | 1201",
            "RESTART_VERIFY_SECS   | 601",
            "SIMULATE_SERVICES     | maybe",
            "ALLOWED_ACTIONS       | reboot",
            "ALLOWED_ACTIONS       | free_memory;restart",
            "ALLOWED_ACTIONS       | Interrupt",
            "ALLOWED_ACTIONS       | ','",
            "FREE_MEMORY_VERIFY_SECS | 0",
            "FREE_MEMORY_VERIFY_SECS | 601",
            "FREE_MEMORY_VERIFY_SECS | soon"})
    void refusesAnInvalidValueNamingTheVariable(String variable, String value) {
        var refusal = assertThrows(Config.Invalid.class, () -> Config.load(directory, Map.of(variable, value)));

        assertTrue(refusal.getMessage().startsWith(variable + " must be"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("'" + value + "'"), refusal.getMessage());
    }

    @Test
    void allowsNoRestartsWithNone() {
        assertEquals(List.of(), Config.load(directory, Map.of("ALLOWED_SERVICES", "none")).allowedServices());
    }

    @Test
    void allowsNoActionsWithNoneAndInterruptOnlyWhenNamed() {
        assertEquals(List.of(), Config.load(directory, Map.of("ALLOWED_ACTIONS", "none")).actions().allowed());
        assertEquals(List.of("free_memory", "restart"), Config.load(directory, Map.of()).actions().allowed());
        assertEquals(List.of("restart", "interrupt"),
                Config.load(directory, Map.of("ALLOWED_ACTIONS", "restart,interrupt")).actions().allowed());
        var twice = assertThrows(Config.Invalid.class,
                () -> Config.load(directory, Map.of("ALLOWED_ACTIONS", "restart,restart")));
        assertTrue(twice.getMessage().startsWith("ALLOWED_ACTIONS names an action twice"), twice.getMessage());
    }

    @Test
    void monitorsComfyUiOnlyWhenItsUrlIsSetExplicitly() {
        assertFalse(Config.load(directory, Map.of()).comfyUiMonitored());
        assertFalse(Config.load(directory, Map.of("COMFYUI_URL", "  ")).comfyUiMonitored(), "empty means unset");
        Config explicit = Config.load(directory, Map.of("COMFYUI_URL", "http://127.0.0.1:8188"));
        assertTrue(explicit.comfyUiMonitored());
        assertEquals(Config.Restart.DEFAULTS.comfyUiUrl(), explicit.restart().comfyUiUrl());
    }

    @Test
    void refusesAServiceNamedTwice() {
        var refusal = assertThrows(Config.Invalid.class,
                () -> Config.load(directory, Map.of("ALLOWED_SERVICES", "comfyui,comfyui")));

        assertTrue(refusal.getMessage().startsWith("ALLOWED_SERVICES names a service twice"), refusal.getMessage());
    }

    @Test
    void needsWorkerIdAndTokenWhenABackendIsSet() {
        Config config = Config.load(directory, Map.of("BACKEND_WS_URL", "ws://127.0.0.1:8080/ws/metrics", "WORKER_ID", "3"));

        var refusal = assertThrows(Config.Invalid.class, config::requireLinkSettings);

        assertTrue(refusal.getMessage().contains("AGENT_TOKEN"), refusal.getMessage());
        assertDoesNotThrow(() -> Config.load(directory, Map.of()).requireLinkSettings(), "without a backend, nothing else");
    }

    @Test
    void keepsTheTokenOutOfItsText() {
        Config config = Config.load(directory, Map.of("AGENT_TOKEN", "s3cret-token"));

        assertFalse(config.toString().contains("s3cret"), config.toString());
    }

    @Test
    void readsSimulatedXids() {
        Config config = Config.load(directory, Map.of("SIMULATE_GPUS", "2", "SIMULATE_XID", "1:79@120, 0:13@0,"));

        assertEquals(List.of(new com.trulience.agent.collect.SimulatedNvml.Xid(1, 79, Duration.ofSeconds(120)),
                new com.trulience.agent.collect.SimulatedNvml.Xid(0, 13, Duration.ZERO)), config.simulatedXids());
        assertTrue(config.toString().contains("simulatedXids=[1:79@120, 0:13@0]"), config.toString());
        assertEquals(List.of(), Config.load(directory, Map.of()).simulatedXids());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2 | 2:79@120 | SIMULATE_XID must be comma-separated GPU:XID@SECONDS entries such as 1:79@120 (GPU 0 to 1,",
            "2 | 1:79     | not '1:79'.",
            "2 | 1:0@5    | not '1:0@5'.",
            "2 | 1:1000@5 | not '1:1000@5'.",
            "2 | 1:79@604801 | not '1:79@604801'.",
            "2 | x        | not 'x'.",
            "0 | 0:79@1   | SIMULATE_XID needs SIMULATE_GPUS"})
    void refusesBadSimulatedXids(String gpus, String value, String message) {
        var refusal = assertThrows(Config.Invalid.class, () -> Config.load(directory,
                Map.of("SIMULATE_GPUS", gpus, "SIMULATE_XID", value)));

        assertTrue(refusal.getMessage().contains(message), refusal.getMessage());
    }

    @Test
    void namesThePlainWebSocketUrlsThatLeaveThisMachine() {
        Config config = Config.load(directory, Map.of("BACKEND_WS_URL", String.join(",",
                "ws://10.0.0.1:8080/ws/metrics", "wss://b.example.com/ws/metrics", "ws://localhost:8080/ws/metrics",
                "ws://127.0.0.1:8081/ws/metrics", "ws://[::1]:8082/ws/metrics", "ws://monitor.example.com/ws/metrics")));

        assertEquals(List.of(URI.create("ws://10.0.0.1:8080/ws/metrics"), URI.create("ws://monitor.example.com/ws/metrics")),
                config.cleartextRemoteUrls());
    }
}
