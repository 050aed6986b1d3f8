package com.trulience.alerts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.alerts.entity.Severity;
import com.trulience.alerts.control.Decision.Kind;
import com.trulience.alerts.entity.Alert;
import com.trulience.metrics.entity.Metric;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.metrics.entity.GpuProcess;
import com.trulience.metrics.entity.GpuProcesses;
import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.MetricsBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alert lifecycle as a pure function: samples, thresholds and open alerts in, decisions out; time is the samples'. */
class AlertRulesTest {

    private static final long WORKER = 7;
    private static final Instant T0 = Instant.parse("2026-11-28T05:00:00Z");
    private static final AlertKey TEMPERATURE = new AlertKey(WORKER, 0, "temperature_celsius");

    private final AlertRules rules = new AlertRules(new AlertSettings(Duration.ofMinutes(5), 2, 99));
    private final List<MetricThreshold> thresholds = new ArrayList<>(List.of(
            new MetricThreshold(null, Metric.TEMPERATURE_CELSIUS, 70, 85, true),
            new MetricThreshold(null, Metric.VRAM_USED_PERCENT, 85, 95, true),
            new MetricThreshold(null, Metric.UTILIZATION_PERCENT, 95, 99, true),
            new MetricThreshold(null, Metric.POWER_DRAW_PERCENT, 90, 98, true)));
    private final Map<Long, List<AnnouncedGpu>> announced = new HashMap<>(Map.of(WORKER, List.of(new AnnouncedGpu(0, 700))));
    private Map<AlertKey, OpenAlert> open = new HashMap<>();

    /** Evaluates one batch of GPU 0 at T0 + offset, carrying the open alerts over like the database does. */
    private List<Decision> at(Duration offset, int temperature) {
        return evaluate(batch(T0.plus(offset), sample(0, temperature, 40_000, 50, 300)));
    }

    private List<Decision> evaluate(MetricsBatch... batches) {
        var evaluation = rules.evaluate(List.of(batches), announced, new EffectiveThresholds(thresholds), open);
        // ids as the database would hand them out
        var next = new HashMap<AlertKey, OpenAlert>();
        evaluation.open().forEach((key, alert) -> next.put(key, alert.id() != null ? alert
                : new OpenAlert(key, (long) key.hashCode(), alert.severity(), alert.openedAt(), alert.lastNotifiedAt(), alert.recoveringSamples())));
        open = next;
        return evaluation.decisions();
    }

    private static MetricsBatch batch(Instant at, GpuSample... samples) {
        return new MetricsBatch(WORKER, 1, at, List.of(samples), List.of());
    }

    private static GpuSample sample(int gpu, int temperature, int vramUsedMb, int utilization, Integer powerWatts) {
        return new GpuSample(gpu, vramUsedMb, 80_000, temperature, utilization, powerWatts, null);
    }

    private static List<Kind> kinds(List<Decision> decisions) {
        return decisions.stream().map(Decision::kind).toList();
    }

    private static List<Kind> notified(List<Decision> decisions) {
        return decisions.stream().filter(Decision::notifies).map(Decision::kind).toList();
    }

    @Test
    void acceptance86CelsiusRaisesOneCriticalRepeatsAfterTheCooldownAndResolvesAfterTwoCoolSamples() {
        var raised = at(Duration.ZERO, 86);
        assertEquals(List.of(Kind.RAISE), kinds(raised));
        assertEquals(Severity.CRITICAL, raised.get(0).severity());
        assertEquals(85, raised.get(0).thresholdValue());
        assertEquals(86.0, raised.get(0).value());
        assertEquals(TEMPERATURE, raised.get(0).key());
        assertEquals(1, open.size());

        for (int second = 5; second <= 240; second += 5) {
            assertEquals(List.of(), at(Duration.ofSeconds(second), 86), "no second notification within the cooldown, at " + second + " s");
        }
        assertEquals(List.of(Kind.REPEAT), kinds(at(Duration.ofMinutes(6), 86)));
        assertEquals(List.of(), at(Duration.ofMinutes(6).plusSeconds(5), 86), "the repeat restarts the cooldown");

        assertEquals(List.of(Kind.RECOVERING), kinds(at(Duration.ofMinutes(7), 60)));
        var resolved = at(Duration.ofMinutes(7).plusSeconds(5), 60);
        assertEquals(List.of(Kind.RESOLVE), kinds(resolved));
        assertEquals(TEMPERATURE, resolved.get(0).key());
        assertTrue(open.isEmpty());
    }

    @Test
    void theVramAlertsNameTheTopHolderOfTheCard() {
        var processes = new GpuProcesses(List.of(
                new GpuProcess(4242, "python3", "stray.scope", null, "bob", 70_000, 10, 5, null),
                new GpuProcess(1234, "python3", "comfyui.service", null, "comfy", 9_000, 80, 40, null)), 0, null);
        var full = new GpuSample(0, 79_500, 80_000, 50, 50, 300, null, null, processes);

        var decisions = evaluate(batch(T0, full));

        assertEquals(2, decisions.size(), "the VRAM threshold and the built-in vram_full");
        decisions.forEach(decision -> assertTrue(decision.message().endsWith(
                "; top holder: python3 (PID 4242) in stray.scope holds 70000 MiB"), decision.message()));
    }

    @Test
    void aVramAlertWithoutProcessesSaysNoHolder() {
        var decisions = evaluate(batch(T0, sample(0, 50, 79_500, 50, 300)));

        decisions.forEach(decision -> assertFalse(decision.message().contains("holder"), decision.message()));
    }

    @Test
    void acceptanceAWorkerOverrideOf90Over95SuppressesAndDeletingItBringsGlobalBack() {
        var override = new MetricThreshold(WORKER, Metric.TEMPERATURE_CELSIUS, 90, 95, true);
        thresholds.add(override);
        assertEquals(List.of(), at(Duration.ZERO, 86));
        thresholds.remove(override);
        assertEquals(List.of(Kind.RAISE), kinds(at(Duration.ofSeconds(5), 86)));
    }

    @Test
    void anotherWorkersOverrideDoesNotApply() {
        thresholds.add(new MetricThreshold(WORKER + 1, Metric.TEMPERATURE_CELSIUS, 90, 95, true));
        assertEquals(List.of(Kind.RAISE), kinds(at(Duration.ZERO, 86)));
    }

    @Test
    void aValueAtTheWarningLevelRaisesAWarningWithTheWarningThreshold() {
        var decisions = at(Duration.ZERO, 70);
        assertEquals(List.of(Kind.RAISE), kinds(decisions));
        assertEquals(Severity.WARNING, decisions.get(0).severity());
        assertEquals(70, decisions.get(0).thresholdValue());
        assertEquals(List.of(), at(Duration.ofSeconds(5), 69), "just below the line is not yet recovering");
    }

    @Test
    void escalatesAtOnceEvenWithinTheCooldownAndDoesNotDeEscalate() {
        at(Duration.ZERO, 75);
        var escalated = at(Duration.ofSeconds(5), 90);
        assertEquals(List.of(Kind.ESCALATE), kinds(escalated));
        assertEquals(Severity.CRITICAL, escalated.get(0).severity());
        assertEquals(85, escalated.get(0).thresholdValue());
        assertEquals(List.of(), at(Duration.ofSeconds(10), 75));
        assertEquals(Severity.CRITICAL, open.get(TEMPERATURE).severity());
        var repeat = at(Duration.ofMinutes(6), 75);
        assertEquals(List.of(Kind.REPEAT), kinds(repeat));
        assertEquals(Severity.CRITICAL, repeat.get(0).severity());
    }

    @Test
    void aValueWobblingAroundTheWarningLineDoesNotFlap() {
        at(Duration.ZERO, 71);
        int[] wobble = {69, 70, 69, 71, 68, 69, 70, 68};
        for (int i = 0; i < wobble.length; i++) {
            assertEquals(List.of(), notified(at(Duration.ofSeconds(5L * (i + 1)), wobble[i])), "sample " + wobble[i]);
        }
        assertEquals(1, open.size());
    }

    @Test
    void aSampleBackInTheBandBreaksTheRecoveringStreak() {
        at(Duration.ZERO, 86);
        assertEquals(List.of(Kind.RECOVERING), kinds(at(Duration.ofSeconds(5), 60)));
        assertEquals(1, open.get(TEMPERATURE).recoveringSamples());
        var reset = at(Duration.ofSeconds(10), 69);
        assertEquals(List.of(Kind.RECOVERING), kinds(reset));
        assertEquals(0, reset.get(0).recoveringSamples());
        assertEquals(List.of(Kind.RECOVERING), kinds(at(Duration.ofSeconds(15), 67)));
        assertEquals(List.of(Kind.RESOLVE), kinds(at(Duration.ofSeconds(20), 67)));
    }

    @Test
    void hysteresisIsConfigurable() {
        var wide = new AlertRules(new AlertSettings(Duration.ofMinutes(5), 10, 99));
        var state = new HashMap<AlertKey, OpenAlert>();
        state.put(TEMPERATURE, new OpenAlert(TEMPERATURE, 1L, Severity.WARNING, T0, T0, 1));
        var decisions = wide.evaluate(List.of(batch(T0.plusSeconds(5), sample(0, 65, 1000, 0, 100))), announced,
                new EffectiveThresholds(thresholds), state).decisions();
        assertEquals(List.of(Kind.RECOVERING), kinds(decisions), "65 is not below 70 - 10");
        assertEquals(0, decisions.get(0).recoveringSamples());
    }

    @Test
    void aDisabledMetricRaisesNothingAndWindsDownItsOpenAlert() {
        at(Duration.ZERO, 86);
        thresholds.add(new MetricThreshold(WORKER, Metric.TEMPERATURE_CELSIUS, 70, 85, false));
        assertEquals(List.of(Kind.RECOVERING), kinds(at(Duration.ofSeconds(5), 99)));
        assertEquals(List.of(Kind.RESOLVE), kinds(at(Duration.ofSeconds(10), 99)));
        assertEquals(List.of(), at(Duration.ofSeconds(15), 99));
    }

    @Test
    void aGlobalDisabledMetricIsOffForWorkersWithoutAnOverride() {
        thresholds.removeIf(row -> row.metricName().equals("temperature_celsius"));
        thresholds.add(new MetricThreshold(null, Metric.TEMPERATURE_CELSIUS, 70, 85, false));
        assertEquals(List.of(), at(Duration.ZERO, 99));
        thresholds.add(new MetricThreshold(WORKER, Metric.TEMPERATURE_CELSIUS, 70, 85, true));
        assertEquals(List.of(Kind.RAISE), kinds(at(Duration.ofSeconds(5), 99)));
    }

    @Test
    void evaluatesVramUtilizationAndPowerAgainstTheCardsLimitPerGpu() {
        var decisions = evaluate(batch(T0, sample(0, 40, 72_000, 99, 690), sample(1, 40, 1_000, 10, 690)));
        assertEquals(List.of("vram_used_percent warning 0", "utilization_percent critical 0", "power_draw_percent critical 0"),
                decisions.stream().map(d -> d.key().metricName() + " " + d.severity().wire() + " " + d.key().gpuIndex()).toList());
        assertEquals(90.0, decisions.get(0).value());
        assertEquals(690 * 100.0 / 700, decisions.get(2).value(), 1e-9);
    }

    @Test
    void skipsPowerWithoutALimitOrADrawReading() {
        announced.put(WORKER, List.of(new AnnouncedGpu(0, null)));
        assertEquals(List.of(), evaluate(batch(T0, sample(0, 40, 1_000, 10, 900))));
        announced.put(WORKER, List.of(new AnnouncedGpu(0, 700)));
        assertEquals(List.of(), evaluate(batch(T0, sample(0, 40, 1_000, 10, null))));
    }

    @Test
    void vramFullIsABuiltInCriticalAlertBesideTheThreshold() {
        thresholds.removeIf(row -> row.metricName().equals("vram_used_percent"));
        var decisions = evaluate(batch(T0, sample(0, 40, 79_300, 10, 100)));
        assertEquals(List.of(Kind.RAISE), kinds(decisions));
        assertEquals(Alert.VRAM_FULL, decisions.get(0).key().metricName());
        assertEquals(Severity.CRITICAL, decisions.get(0).severity());
        assertEquals(99, decisions.get(0).thresholdValue());
    }

    @Test
    void aGpuMissingFromTheBatchOrReportedLostRaisesAndComesBackAfterTwoSamples() {
        announced.put(WORKER, List.of(new AnnouncedGpu(0, 700), new AnnouncedGpu(1, 700), new AnnouncedGpu(2, 700)));
        var decisions = evaluate(new MetricsBatch(WORKER, 1, T0, List.of(sample(0, 40, 1_000, 10, 100)), List.of(2)));
        assertEquals(List.of("gpu_missing 1 critical", "gpu_missing 2 critical"),
                decisions.stream().map(d -> d.key().metricName() + " " + d.key().gpuIndex() + " " + d.severity().wire()).sorted().toList());
        assertTrue(decisions.stream().anyMatch(d -> d.message().contains("lost")), decisions.toString());
        assertTrue(decisions.stream().anyMatch(d -> d.message().contains("missing")), decisions.toString());

        var all = List.of(sample(0, 40, 1_000, 10, 100), sample(1, 40, 1_000, 10, 100), sample(2, 40, 1_000, 10, 100));
        assertEquals(List.of(Kind.RECOVERING, Kind.RECOVERING), kinds(evaluate(new MetricsBatch(WORKER, 2, T0.plusSeconds(5), all, List.of()))));
        assertEquals(List.of(Kind.RESOLVE, Kind.RESOLVE), kinds(evaluate(new MetricsBatch(WORKER, 3, T0.plusSeconds(10), all, List.of()))));
    }

    @Test
    void samplesOfOneGroupAreEvaluatedInTimeOrder() {
        var decisions = evaluate(batch(T0.plusSeconds(10), sample(0, 60, 1_000, 10, 100)),
                batch(T0, sample(0, 86, 1_000, 10, 100)),
                batch(T0.plusSeconds(5), sample(0, 60, 1_000, 10, 100)));
        assertEquals(List.of(Kind.RAISE, Kind.RECOVERING, Kind.RESOLVE), kinds(decisions));
        assertTrue(open.isEmpty());
    }

    @Test
    void anOpenAlertAfterTheCooldownRepeatsOnlyWhileStillBad() {
        at(Duration.ZERO, 86);
        assertEquals(List.of(), at(Duration.ofMinutes(10), 69), "in the band: nothing to repeat");
        assertEquals(List.of(Kind.REPEAT), kinds(at(Duration.ofMinutes(10).plusSeconds(5), 72)));
    }
}
