package com.trulience.agent.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.agent.Await;
import com.trulience.agent.comfyui.ComfyUi;
import com.trulience.agent.comfyui.FakeComfyUi;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Restarts against a fake ComfyUI (real HTTP) and a fake service manager, the one seam where systemd cannot run. */
class RestarterTest {

    private final FakeComfyUi comfyUi = new FakeComfyUi();
    private final FakeServices services = new FakeServices();
    private final List<String> statuses = new CopyOnWriteArrayList<>();
    private Restarter restarter = restarter(Duration.ofSeconds(20));

    /** Records restarts; down for a moment after each, like a real service coming back. */
    static final class FakeServices implements ServiceControl {
        final List<String> restarted = new CopyOnWriteArrayList<>();
        final AtomicBoolean comesBack = new AtomicBoolean(true);
        volatile RuntimeException failure;

        @Override
        public void restart(ServiceName service) {
            if (failure != null) {
                throw failure;
            }
            restarted.add(service.value());
        }

        @Override
        public boolean active(ServiceName service) {
            return comesBack.get();
        }
    }

    private Restarter restarter(Duration waitMax) {
        return new Restarter(List.of("comfyui", "comfyui@2"), List.of("free_memory", "restart"), services,
                new ComfyUi(comfyUi.url()), OptionalLong::empty, timing(waitMax), statuses::add);
    }

    static Restarter.Timing timing(Duration waitMax) {
        return new Restarter.Timing(waitMax, Duration.ofMillis(600), Duration.ofMillis(50), Duration.ofMillis(500),
                Duration.ofMillis(50));
    }

    @AfterEach
    void close() {
        restarter.close();
        comfyUi.close();
    }

    private List<String> steps() {
        return statuses.stream().map(RestarterTest::json).map(s -> s.getString("status")).toList();
    }

    private void awaitEnd() {
        Await.until("a final status", () -> steps().contains("completed") || steps().contains("failed"), statuses::toString);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void waitsForTheRunningJobThenRestarts() throws Exception {
        comfyUi.running("prompt-1", 0);
        restarter.accept(new RestartCommand(42, "comfyui", false, "VRAM leak"));

        Await.until("waiting_for_job", () -> steps().contains("waiting_for_job"), statuses::toString);
        Thread.sleep(300);
        assertEquals(List.of("waiting_for_job"), steps(), "nothing happens while the job runs");
        assertEquals(List.of(), services.restarted);

        comfyUi.idle();
        awaitEnd();
        assertEquals(List.of("waiting_for_job", "stopping", "restarting", "completed"), steps());
        assertEquals(List.of("comfyui"), services.restarted);
        assertEquals("{\"type\":\"restart_status\",\"restart_id\":42,\"status\":\"completed\",\"error_message\":null}",
                statuses.get(statuses.size() - 1));
    }

    @Test
    void failsWhenTheJobOutlastsTheWait() {
        restarter = restarter(Duration.ofMillis(300));
        comfyUi.running("prompt-1", 0);
        restarter.accept(new RestartCommand(43, "comfyui", false, null));

        awaitEnd();
        assertEquals(List.of("waiting_for_job", "failed"), steps());
        assertTrue(json(statuses.get(1)).getString("error_message").startsWith("job still running after"), statuses.toString());
        assertEquals(List.of(), services.restarted);
    }

    @Test
    void doesNotWaitWhenForced() {
        comfyUi.running("prompt-1", 0);
        restarter.accept(new RestartCommand(44, "comfyui@2", true, "stuck"));

        awaitEnd();
        assertEquals(List.of("stopping", "restarting", "completed"), steps());
        assertEquals(0, comfyUi.calls("/queue"), "a forced restart does not even ask for the queue");
        assertEquals(List.of("comfyui@2"), services.restarted);
    }

    @Test
    void countsAnUnreachableComfyUiAsIdle() {
        var unreachable = new Restarter(List.of("comfyui"), List.of("restart"), services,
                new ComfyUi(URI.create("http://127.0.0.1:1/")), OptionalLong::empty, timing(Duration.ofSeconds(5)), statuses::add);
        try {
            unreachable.accept(new RestartCommand(45, "comfyui", false, null));
            awaitEnd();
            // ComfyUI did not answer before, so only the service's state is verified
            assertEquals(List.of("stopping", "restarting", "completed"), steps());
        } finally {
            unreachable.close();
        }
    }

    @Test
    void refusesServicesOutsideItsOwnAllowListWhateverTheBackendSays() {
        for (String name : List.of("sshd", "comfyui; rm -rf /", "$(reboot)", "../x", "comfyui\nsshd", "comfyuі", "COMFYUI",
                "comfyui.service")) {
            statuses.clear();
            restarter.accept(new RestartCommand(100 + statuses.size() + name.hashCode() % 1000 + 1000, name, true, null));
            awaitEnd();
            assertEquals(List.of("failed"), steps(), name);
            assertTrue(json(statuses.get(0)).getString("error_message").startsWith("refused: "), statuses.toString());
        }
        statuses.clear();
        restarter.accept(new RestartCommand(46, null, true, null));
        awaitEnd();
        assertEquals(List.of("failed"), steps());
        assertEquals(List.of(), services.restarted, "nothing was restarted");
    }

    @Test
    void failsWhenTheServiceManagerFailsOrTheServiceDoesNotComeBack() {
        services.failure = new ServiceControl.Failed("systemctl restart comfyui.service failed (exit 4): Access denied");
        restarter.accept(new RestartCommand(47, "comfyui", true, null));
        awaitEnd();
        assertEquals(List.of("stopping", "failed"), steps());
        assertTrue(statuses.get(1).contains("Access denied"), statuses.toString());

        statuses.clear();
        services.failure = null;
        services.comesBack.set(false);
        restarter.accept(new RestartCommand(48, "comfyui", true, null));
        awaitEnd();
        assertEquals(List.of("stopping", "restarting", "failed"), steps());
        assertTrue(statuses.get(2).contains("comfyui is not active"), statuses.toString());

        statuses.clear();
        services.comesBack.set(true);
        comfyUi.answering(true);
        restarter.accept(new RestartCommand(49, "comfyui", true, null));
        awaitEnd();
        assertEquals("completed", steps().get(2));
    }

    @Test
    void runsACommandDeliveredTwiceOnlyOnce() throws Exception {
        restarter.accept(new RestartCommand(50, "comfyui", true, null));
        restarter.accept(new RestartCommand(50, "comfyui", true, null));
        awaitEnd();
        Thread.sleep(200);
        assertEquals(List.of("stopping", "restarting", "completed"), steps());
        assertEquals(1, services.restarted.size());
    }

    @Test
    void failsARestartThatIsNotInAllowedActionsWithTheReason() {
        var noRestarts = new Restarter(List.of("comfyui"), List.of("free_memory"), services, new ComfyUi(comfyUi.url()),
                OptionalLong::empty, timing(Duration.ofSeconds(5)), statuses::add);
        try {
            noRestarts.accept(new RestartCommand(51, "comfyui", true, "whatever the backend asked"));
            awaitEnd();
            assertEquals(List.of("failed"), steps());
            assertEquals("refused: restart is not in this agent's ALLOWED_ACTIONS [free_memory]",
                    json(statuses.get(0)).getString("error_message"));
            assertEquals(List.of(), services.restarted);
            assertEquals(0, comfyUi.calls("/queue"));
        } finally {
            noRestarts.close();
        }
    }

    @Test
    void writesErrorsOnOneBoundedLine() {
        assertEquals("a b", Restarter.oneLine("a\n\r\tb", 10));
        assertEquals(10, Restarter.oneLine("x".repeat(50), 10).length());
    }
}
