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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * free_memory and interrupt against the scripted ComfyUI over real HTTP; the GPUs' used VRAM is a number the fake's
 * /free hook lowers, as the fake NVML's script is in the agent-level test.
 */
class ActionsTest {

    private final FakeComfyUi comfyUi = new FakeComfyUi();
    private final AtomicLong usedVram = new AtomicLong(20480);
    private final List<String> statuses = new CopyOnWriteArrayList<>();
    private final RestarterTest.FakeServices services = new RestarterTest.FakeServices();
    private Restarter restarter = restarter(List.of("free_memory", "restart"), comfyUi.url());

    private Restarter restarter(List<String> allowedActions, URI url) {
        return new Restarter(List.of("comfyui"), allowedActions, services, new ComfyUi(url),
                () -> OptionalLong.of(usedVram.get()), RestarterTest.timing(Duration.ofSeconds(5)), statuses::add);
    }

    @AfterEach
    void close() {
        restarter.close();
        comfyUi.close();
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private JsonObject last() {
        Await.until("a final status", () -> !statuses.isEmpty() && List.of("completed", "failed")
                .contains(json(statuses.get(statuses.size() - 1)).getString("status")), statuses::toString);
        return json(statuses.get(statuses.size() - 1));
    }

    private List<String> steps() {
        return statuses.stream().map(s -> json(s).getString("status")).toList();
    }

    @Test
    void freeMemoryCompletesWithBeforeAndAfterOnceTheVramFell() {
        comfyUi.onFree(() -> usedVram.set(1100));
        restarter.accept(new ActionCommand(42, "free_memory", "comfyui", false, "VRAM held while idle"));

        last();
        assertEquals("{\"type\":\"action_status\",\"action_id\":42,\"status\":\"completed\",\"error_message\":null,"
                + "\"vram_before_mb\":20480,\"vram_after_mb\":1100}", statuses.get(statuses.size() - 1));
        assertEquals(List.of("running", "completed"), steps());
        assertEquals("{\"type\":\"action_status\",\"action_id\":42,\"status\":\"running\",\"error_message\":null,"
                + "\"vram_before_mb\":null,\"vram_after_mb\":null}", statuses.get(0));
        assertEquals(1, comfyUi.calls("/free"));
        assertEquals("{\"unload_models\":true,\"free_memory\":true}", comfyUi.lastBody("/free"));
    }

    @Test
    void freeMemoryWithAJobRunningWaitsForNothingNeverInterruptsAndFailsWhenTheVramStays() {
        comfyUi.running("job-1", 1);
        comfyUi.onFree(() -> usedVram.addAndGet(-80));  // less than 10 %: ComfyUI frees between jobs, not during one
        restarter.accept(new ActionCommand(43, "free_memory", "comfyui", false, null));

        JsonObject failed = last();
        assertEquals("failed", failed.getString("status"));
        assertEquals("VRAM did not fall (20480 MiB before, 20400 MiB after 500 ms)", failed.getString("error_message"));
        assertEquals(20480, failed.getInt("vram_before_mb"));
        assertEquals(20400, failed.getInt("vram_after_mb"));
        assertEquals(0, comfyUi.calls("/interrupt"), "free_memory never interrupts the job");
        assertEquals(0, comfyUi.calls("/queue"), "nor waits for it");
        assertTrue(comfyUi.busy(), "the job still runs");
    }

    @Test
    void interruptWithoutForceIsRefusedAndNothingIsAsked() {
        restarter.close();
        restarter = restarter(List.of("interrupt"), comfyUi.url());
        comfyUi.running("job-1", 0);
        restarter.accept(new ActionCommand(44, "interrupt", "comfyui", false, null));

        assertEquals("interrupt needs force: it stops the running job", last().getString("error_message"));
        assertEquals(List.of("failed"), steps());
        assertEquals(0, comfyUi.calls("/interrupt"));
        assertTrue(comfyUi.busy());
    }

    @Test
    void interruptWithForceStopsTheRunningJob() {
        restarter.close();
        restarter = restarter(List.of("interrupt"), comfyUi.url());
        comfyUi.running("job-1", 2);
        restarter.accept(new ActionCommand(45, "interrupt", "comfyui", true, "stuck sampler"));

        assertEquals("completed", last().getString("status"));
        assertEquals(List.of("running", "completed"), steps());
        assertEquals(1, comfyUi.calls("/interrupt"));
        assertTrue(!comfyUi.busy(), "the job was stopped");
    }

    @Test
    void anActionNotInAllowedActionsEndsFailedWithTheReasonWhateverTheBackendAsked() {
        comfyUi.running("job-1", 0);
        restarter.accept(new ActionCommand(46, "interrupt", "comfyui", true, "the backend insists"));

        assertEquals("refused: interrupt is not in this agent's ALLOWED_ACTIONS [free_memory, restart]",
                last().getString("error_message"));
        assertEquals(List.of("failed"), steps());

        statuses.clear();
        restarter.close();
        restarter = restarter(List.of(), comfyUi.url());
        restarter.accept(new ActionCommand(47, "free_memory", "comfyui", false, null));
        assertEquals("refused: free_memory is not in this agent's ALLOWED_ACTIONS []", last().getString("error_message"));
        assertEquals(0, comfyUi.calls("/interrupt") + comfyUi.calls("/free"), "nothing was asked of ComfyUI");
    }

    @Test
    void refusesServicesOutsideAllowedServicesAndActionsItDoesNotKnow() {
        restarter.accept(new ActionCommand(48, "free_memory", "sshd", false, null));
        assertEquals("refused: sshd is not in this agent's ALLOWED_SERVICES [comfyui]", last().getString("error_message"));

        statuses.clear();
        restarter.accept(new ActionCommand(49, "restart", "comfyui", true, null));
        assertTrue(last().getString("error_message").startsWith("refused: the action is not free_memory or interrupt"),
                statuses.toString());

        statuses.clear();
        restarter.accept(new ActionCommand(50, null, "comfyui", true, null));
        assertEquals("failed", last().getString("status"));
        assertEquals(0, comfyUi.calls("/free"));
        assertEquals(List.of(), services.restarted);
    }

    @Test
    void anUnreachableComfyUiFailsWithTheReason() {
        URI url = comfyUi.url();
        comfyUi.stop();
        restarter.close();
        restarter = restarter(List.of("free_memory", "interrupt"), url);

        restarter.accept(new ActionCommand(51, "free_memory", "comfyui", false, null));
        JsonObject failed = last();
        assertTrue(failed.getString("error_message").startsWith("ComfyUI at " + url + " cannot be reached for POST /free"),
                failed.toString());
        assertEquals(20480, failed.getInt("vram_before_mb"));

        statuses.clear();
        restarter.accept(new ActionCommand(52, "interrupt", "comfyui", true, null));
        assertTrue(last().getString("error_message").startsWith("ComfyUI at " + url + " cannot be reached for POST /interrupt"),
                statuses.toString());
    }

    @Test
    void freeMemoryFailsWhenNoGpuAnswers() {
        restarter.close();
        restarter = new Restarter(List.of("comfyui"), List.of("free_memory"), services, new ComfyUi(comfyUi.url()),
                OptionalLong::empty, RestarterTest.timing(Duration.ofSeconds(5)), statuses::add);
        restarter.accept(new ActionCommand(53, "free_memory", "comfyui", false, null));

        assertTrue(last().getString("error_message").startsWith("the used VRAM cannot be read"), statuses.toString());
        assertEquals(0, comfyUi.calls("/free"));
    }

    @Test
    void runsAnActionDeliveredTwiceOnlyOnce() throws Exception {
        comfyUi.onFree(() -> usedVram.set(0));
        restarter.accept(new ActionCommand(54, "free_memory", "comfyui", false, null));
        restarter.accept(new ActionCommand(54, "free_memory", "comfyui", false, null));
        last();
        Thread.sleep(200);
        assertEquals(List.of("running", "completed"), steps());
        assertEquals(1, comfyUi.calls("/free"));
    }
}
