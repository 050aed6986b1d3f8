package com.trulience.alerts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.alerts.control.Decision.Kind;
import com.trulience.alerts.entity.Alert;
import com.trulience.alerts.entity.Severity;
import com.trulience.metrics.entity.ComfyUiNow;
import com.trulience.metrics.entity.ComfyUiState;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.metrics.entity.GpuProcess;
import com.trulience.metrics.entity.GpuProcesses;
import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.MetricsBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ComfyUI alerts on the stored state, carrying open alerts over like the database. */
class ComfyUiRulesTest {

    private static final long WORKER = 7;
    private static final Instant T0 = Instant.parse("2026-12-01T05:00:00Z");
    private static final int TOTAL = 24_576;

    private final ComfyUiRules rules = new ComfyUiRules(Duration.ofMinutes(10), 50, Duration.ofMinutes(5));
    private final Map<AlertKey, OpenAlert> open = new HashMap<>();
    private List<String> services = List.of("comfyui");
    private long seq;

    private List<Decision> evaluate(int usedMb, ComfyUiState reported, ComfyUiNow stored) {
        var processes = new GpuProcesses(List.of(new GpuProcess(1234, "python3", "comfyui.service", null, "comfy", usedMb,
                null, null, null)), 0, null);
        var batch = new MetricsBatch(WORKER, seq++, stored.receivedAt(), List.of(new GpuSample(0, usedMb, TOTAL, 40, 0,
                null, null, GpuHealth.NONE, processes)), List.of(), null, reported);
        var decisions = rules.evaluate(List.of(batch), Map.of(WORKER, stored), Map.of(WORKER, services), open);
        for (var decision : decisions) {
            switch (decision.kind()) {
                case RAISE -> open.put(decision.key(), new OpenAlert(decision.key(), 1L, decision.severity(), decision.at(), decision.at(), 0));
                case RESOLVE -> open.remove(decision.key());
                case REPEAT -> open.put(decision.key(), open.get(decision.key()).notified(decision.severity(), decision.at()));
                default -> { }
            }
        }
        return decisions;
    }

    private static ComfyUiNow idle(Instant since, Instant at) {
        return new ComfyUiNow(WORKER, at, at, true, "0.3.40", 0, 0, null, since, 0);
    }

    private static ComfyUiNow busy(Instant at) {
        return new ComfyUiNow(WORKER, at, at, true, "0.3.40", 1, 2, "p-1", null, 0);
    }

    private static ComfyUiNow unreachable(Instant at, int samples) {
        return new ComfyUiNow(WORKER, at, at, false, null, null, null, null, null, samples);
    }

    private static final ComfyUiState IDLE = new ComfyUiState(true, "0.3.40", 0, 0, null, List.of());

    @Test
    void idleVramHeldOpensAfterTheIdlePeriodNamesTheHolderAndResolvesWhenVramFalls() {
        assertEquals(List.of(), evaluate(20_480, IDLE, idle(T0, T0.plus(Duration.ofMinutes(9)))), "idle, but not long enough");
        var raised = evaluate(20_480, IDLE, idle(T0, T0.plus(Duration.ofMinutes(10))));
        assertEquals(1, raised.size());
        var alert = raised.get(0);
        assertEquals(Kind.RAISE, alert.kind());
        assertEquals(new AlertKey(WORKER, 0, Alert.IDLE_VRAM_HELD), alert.key());
        assertEquals(Severity.WARNING, alert.severity());
        assertEquals(T0.plus(Duration.ofMinutes(10)), alert.at(), "the receive time");
        assertTrue(alert.message().startsWith("GPU 0 holds 20480 of 24576 MiB (83.3 %, above 50 %) while ComfyUI has had no job for 10 min"),
                alert.message());
        assertTrue(alert.message().contains("python3"), alert.message());
        assertEquals(List.of(), evaluate(20_480, IDLE, idle(T0, T0.plus(Duration.ofMinutes(11)))), "within the cooldown");
        var resolved = evaluate(1_100, IDLE, idle(T0, T0.plus(Duration.ofMinutes(12))));
        assertEquals(Kind.RESOLVE, resolved.get(0).kind());
        assertTrue(resolved.get(0).message().contains("fell to 4.5 %"), resolved.get(0).message());
    }

    @Test
    void aJobResolvesIdleVramHeldAtOnceAndAnUnreachableComfyUiChangesNothing() {
        evaluate(20_480, IDLE, idle(T0, T0.plus(Duration.ofMinutes(10))));
        assertEquals(List.of(), evaluate(20_480, ComfyUiState.UNREACHABLE, unreachable(T0.plus(Duration.ofMinutes(11)), 1)));
        var resolved = evaluate(20_480, new ComfyUiState(true, null, 1, 2, "p-1", List.of()), busy(T0.plus(Duration.ofMinutes(12))));
        assertEquals(List.of(Kind.RESOLVE), resolved.stream().map(Decision::kind).toList());
        assertEquals(List.of(), evaluate(20_480, IDLE, idle(T0.plus(Duration.ofMinutes(13)), T0.plus(Duration.ofMinutes(13)))),
                "idle again: the period starts over");
    }

    @Test
    void comfyUiUnreachableOpensAtTheThirdSilentSampleAndResolvesAtTheFirstAnswer() {
        assertEquals(List.of(), evaluate(0, ComfyUiState.UNREACHABLE, unreachable(T0, 1)));
        assertEquals(List.of(), evaluate(0, ComfyUiState.UNREACHABLE, unreachable(T0.plusSeconds(5), 2)));
        var raised = evaluate(0, ComfyUiState.UNREACHABLE, unreachable(T0.plusSeconds(10), 3));
        assertEquals(List.of(Kind.RAISE), raised.stream().map(Decision::kind).toList());
        assertEquals(new AlertKey(WORKER, null, Alert.COMFYUI_UNREACHABLE), raised.get(0).key());
        assertEquals(List.of(), evaluate(0, ComfyUiState.UNREACHABLE, unreachable(T0.plusSeconds(15), 4)));
        var resolved = evaluate(0, IDLE, idle(T0.plusSeconds(20), T0.plusSeconds(20)));
        assertEquals(List.of(Kind.RESOLVE), resolved.stream().map(Decision::kind).toList());
    }

    @Test
    void comfyUiUnreachableOnlyWhileComfyUiIsAnAnnouncedService() {
        services = List.of("nginx");
        assertEquals(List.of(), evaluate(0, ComfyUiState.UNREACHABLE, unreachable(T0, 5)));
    }
}
