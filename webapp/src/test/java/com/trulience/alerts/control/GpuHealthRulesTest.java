package com.trulience.alerts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.alerts.control.Decision.Kind;
import com.trulience.alerts.entity.Alert;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.metrics.entity.GpuEvent;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.Metric;
import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.metrics.entity.Throttle;
import com.trulience.platform.control.Refused;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GPU-health rules and the per-GPU sample order, carrying open alerts and GPU state over like the database. */
class GpuHealthRulesTest {

    private static final long WORKER = 7;
    private static final Instant T0 = Instant.parse("2026-11-28T05:00:00Z");

    private final AlertRules rules = new AlertRules(new AlertSettings(Duration.ofMinutes(5), 2, 99));
    private final EffectiveThresholds thresholds = new EffectiveThresholds(List.of(
            new MetricThreshold(null, Metric.TEMPERATURE_CELSIUS, 70, 85, true),
            new MetricThreshold(null, Metric.VRAM_USED_PERCENT, 85, 95, true),
            new MetricThreshold(null, Metric.TEMPERATURE_MARGIN_CELSIUS, 10, 3, true)));
    private final Map<Long, List<AnnouncedGpu>> announced = Map.of(WORKER, List.of(new AnnouncedGpu(0, 700, 87)));
    private Map<AlertKey, OpenAlert> open = new HashMap<>();
    private Map<GpuKey, GpuState> state = new HashMap<>();

    private List<Decision> evaluate(MetricsBatch... batches) {
        var evaluation = rules.evaluate(List.of(batches), announced, thresholds, open, state);
        state = new HashMap<>(evaluation.state());
        return carry(evaluation);
    }

    private List<Decision> event(GpuEvent event) {
        return carry(rules.evaluate(event, open, state.getOrDefault(new GpuKey(WORKER, event.gpuIndex()), GpuState.NEW)));
    }

    private List<Decision> carry(AlertRules.Evaluation evaluation) {
        var next = new HashMap<AlertKey, OpenAlert>();
        evaluation.open().forEach((key, alert) -> next.put(key, alert.id() != null ? alert
                : new OpenAlert(key, (long) key.hashCode(), alert.severity(), alert.openedAt(), alert.lastNotifiedAt(), alert.recoveringSamples())));
        open = next;
        return evaluation.decisions();
    }

    private static MetricsBatch batch(int seconds, int temperature, GpuHealth health) {
        return new MetricsBatch(WORKER, seconds, T0.plusSeconds(seconds),
                List.of(new GpuSample(0, 1_000, 80_000, temperature, 10, 100, null, health, null)), List.of());
    }

    private static GpuHealth throttled(Throttle... reasons) {
        return new GpuHealth(1410, 60, Throttle.mask(List.of(reasons)), 0L, false, false, 0L);
    }

    private static List<String> notified(List<Decision> decisions) {
        return decisions.stream().filter(Decision::notifies).map(d -> d.kind() + " " + d.key().metricName() + " " + d.severity().wire()).toList();
    }

    @Test
    void aGroupEvaluatedAfterANewerOneIsSkippedSoThatItCannotBreakTheRecoveringCount() {
        assertEquals(List.of("RAISE temperature_celsius critical"), temperature(evaluate(batch(0, 86, GpuHealth.NONE))));
        assertEquals(List.of("RECOVERING temperature_celsius critical"), temperature(evaluate(batch(10, 60, GpuHealth.NONE))));
        // the group of second 5 was stored before the one of second 10 but its observer ran later
        assertEquals(List.of(), evaluate(batch(5, 86, GpuHealth.NONE)));
        assertEquals(List.of("RESOLVE temperature_celsius critical"), temperature(evaluate(batch(15, 60, GpuHealth.NONE))));
    }

    private static List<String> temperature(List<Decision> decisions) {
        return decisions.stream().filter(d -> d.key().metricName().equals("temperature_celsius"))
                .map(d -> d.kind() + " " + d.key().metricName() + " " + d.severity().wire()).toList();
    }

    @Test
    void acceptanceHwThermalSlowdownForThreeSamplesOpensAWarningAndTwoClearSamplesResolveIt() {
        var hot = throttled(Throttle.HW_THERMAL_SLOWDOWN);
        assertEquals(List.of(), notified(evaluate(batch(0, 60, hot))));
        assertEquals(List.of(), notified(evaluate(batch(5, 60, hot))));
        var raised = evaluate(batch(10, 60, hot));
        assertEquals(List.of("RAISE thermal_throttle warning"), notified(raised));
        assertTrue(raised.get(0).message().contains("hw_thermal_slowdown"), raised.get(0).message());
        assertEquals(List.of(), notified(evaluate(batch(15, 60, throttled()))));
        assertEquals(List.of("RESOLVE thermal_throttle warning"), notified(evaluate(batch(20, 60, throttled()))));
    }

    @Test
    void aStreakBrokenByAClearSampleStartsOverAndPowerCappingIsItsOwnAlert() {
        var capped = throttled(Throttle.SW_POWER_CAP);
        evaluate(batch(0, 60, capped));
        evaluate(batch(5, 60, capped));
        evaluate(batch(10, 60, throttled()));
        evaluate(batch(15, 60, capped));
        assertEquals(List.of(), notified(evaluate(batch(20, 60, capped))));
        assertEquals(List.of("RAISE power_throttle warning"), notified(evaluate(batch(25, 60, capped))));
        assertEquals(List.of(), notified(evaluate(batch(30, 60, new GpuHealth(null, null, null, null, null, null, null)))),
                "a card that stops reporting throttle reasons neither counts nor clears");
    }

    @Test
    void acceptanceMarginToSlowdown87At78IsAWarningBesideTheTemperatureWarningAndCriticalAt85() {
        var at78 = notified(evaluate(batch(0, 78, GpuHealth.NONE)));
        assertEquals(List.of("RAISE temperature_celsius warning", "RAISE temperature_margin_celsius warning"), at78.stream().sorted().toList());
        var at85 = notified(evaluate(batch(5, 85, GpuHealth.NONE)));
        assertEquals(List.of("ESCALATE temperature_celsius critical", "ESCALATE temperature_margin_celsius critical"), at85.stream().sorted().toList());
    }

    @Test
    void eccErrorsAndRowRemappingRaiseByTheirSeverity() {
        var decisions = notified(evaluate(batch(0, 50, new GpuHealth(1410, 60, 0, 2L, true, true, 0L))));
        assertEquals(List.of("RAISE ecc_uncorrected critical", "RAISE row_remap_failure critical", "RAISE row_remap_pending warning"),
                decisions.stream().sorted().toList());
    }

    @Test
    void xid79IsCriticalNamesTheMeaningAndActionAndResolvesAfterTheGpuReportedQuietly() {
        var decisions = event(new GpuEvent(WORKER, 9, 0, "GPU-1", GpuEvent.Kind.XID, 79, T0));
        assertEquals(List.of("RAISE xid_79 critical"), notified(decisions));
        assertTrue(decisions.get(0).message().contains("fallen off the bus"), decisions.get(0).message());
        assertTrue(decisions.get(0).message().contains("reboot the node"), decisions.get(0).message());
        assertEquals(List.of("RAISE xid_13 warning"), notified(event(new GpuEvent(WORKER, 10, 0, null, GpuEvent.Kind.XID, 13, T0))));

        assertEquals(List.of(), notified(evaluate(batch(60, 50, GpuHealth.NONE))));
        assertEquals(List.of("RESOLVE xid_13 warning", "RESOLVE xid_79 critical"),
                notified(evaluate(batch(30 * 60, 50, GpuHealth.NONE))).stream().sorted().toList());
    }

    @Test
    void aLostGpuEventRaisesGpuMissingUnlessNewerSamplesWereAlreadyApplied() {
        evaluate(batch(10, 50, GpuHealth.NONE));
        assertEquals(List.of(), event(new GpuEvent(WORKER, 3, 0, null, GpuEvent.Kind.GPU_LOST, null, T0.plusSeconds(5))));
        var lost = event(new GpuEvent(WORKER, 4, 0, null, GpuEvent.Kind.GPU_LOST, null, T0.plusSeconds(12)));
        assertEquals(List.of("RAISE " + Alert.GPU_MISSING + " critical"), notified(lost));
        assertTrue(lost.get(0).message().contains("reboot the node"), lost.get(0).message());
    }

    @Test
    void forTheMarginWarningMustLieAboveCritical() {
        Metric.TEMPERATURE_MARGIN_CELSIUS.checkLevels(10, 3);
        var refused = assertThrows(Refused.class, () -> Metric.TEMPERATURE_MARGIN_CELSIUS.checkLevels(3, 10));
        assertTrue(refused.getMessage().contains("above"), refused.getMessage());
        assertThrows(Refused.class, () -> Metric.TEMPERATURE_CELSIUS.checkLevels(85, 70));
    }
}
