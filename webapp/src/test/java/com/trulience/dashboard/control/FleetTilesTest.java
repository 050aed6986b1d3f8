package com.trulience.dashboard.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.OpenAlertCounts;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.dashboard.control.GpuTile.Level;
import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.metrics.entity.Metric;
import com.trulience.workers.entity.CardLimits;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fleet page's tiles, filter and sort, as FleetView and the cards view compute them (fleet.js mirrors them). */
class FleetTilesTest {

    private static final EffectiveThresholds LEVELS = new EffectiveThresholds(List.of(
            new MetricThreshold(null, Metric.TEMPERATURE_CELSIUS, 70, 85, true),
            new MetricThreshold(null, Metric.VRAM_USED_PERCENT, 85, 95, true),
            new MetricThreshold(null, Metric.UTILIZATION_PERCENT, 95, 99, true)));

    @Test
    void aTileTakesItsWorstReadingAndAHardwareBannerWinsOverIt() {
        var hot = GpuTile.of(1, gpu(0, 91, 40000), LEVELS, null);
        assertEquals(Level.CRITICAL, hot.level());
        assertEquals("Temperature 91 °C", hot.worst());
        var full = GpuTile.of(1, gpu(0, 50, 79000), LEVELS, null);   // 96.9 % of 81559 MiB
        assertEquals(Level.CRITICAL, full.level());
        assertEquals("VRAM 96.9 %", full.worst());
        var calm = GpuTile.of(1, gpu(0, 50, 1000), LEVELS, null);
        assertEquals(Level.OK, calm.level());
        var lost = GpuTile.of(1, gpu(0, 50, 1000), LEVELS, "Xid 79: the GPU fell off the bus");
        assertEquals(Level.CRITICAL, lost.level());
        assertEquals("Xid 79: the GPU fell off the bus", lost.worst());
    }

    @Test
    void aNewSampleWithTheSameReadingsIsNoChange() {
        var before = GpuTile.of(1, gpu(0, 61, 40000), LEVELS, null);
        var same = GpuTile.of(1, new GpuNow(0, "NVIDIA H100", 700, Instant.parse("2026-12-01T12:00:05Z"), 40000, 81559, 61, 50,
                512, null, "GPU-a", GpuHealth.NONE, CardLimits.NONE, null), LEVELS, null);
        assertTrue(same.looksLike(before));
        assertFalse(GpuTile.of(1, gpu(0, 62, 40000), LEVELS, null).looksLike(before));
    }

    @Test
    void worstFirstPutsCriticalThenOfflineThenWarningAndTheFilterFollowsTheUrlWords() {
        var critical = worker(1, "b", true, 91);
        var offline = worker(2, "a", false, 50);
        var warning = worker(3, "c", true, 75);
        var ok = worker(4, "d", true, 50);
        var offlineLastCritical = worker(5, "0", false, 95);
        var all = List.of(ok, warning, offline, critical, offlineLastCritical);
        var worst = FleetFilter.of(name -> null);
        assertEquals(List.of(1L, 5L, 2L, 3L, 4L), all.stream().sorted(worst.order()).map(WorkerTile::id).toList(),
                "an offline worker ranks as offline, below a GPU that is critical now, whatever its last reading");
        assertEquals(List.of(5L, 2L, 1L, 3L, 4L), all.stream().sorted(FleetFilter.of(Map.of("sort", "name")::get).order())
                .map(WorkerTile::id).toList());
        assertEquals(List.of(1L), all.stream().filter(FleetFilter.of(Map.of("level", "critical")::get)::matches)
                .map(WorkerTile::id).toList(), "a stale critical reading is not a critical GPU");
        var selection = FleetFilter.of(Map.of("level", "warning", "status", "online", "q", "C")::get);
        assertEquals(List.of(3L), all.stream().filter(selection::matches).map(WorkerTile::id).toList());
        assertEquals("status=online&level=warning&q=C", selection.query());
        var unknown = FleetFilter.of(Map.of("sort", "<script>", "level", "purple")::get);
        assertEquals("", unknown.query(), "an unknown word is the default");
        var withAlert = FleetFilter.of(Map.of("alert", "1")::get);
        assertEquals(List.of(1L), all.stream().filter(withAlert::matches).map(WorkerTile::id).toList());
    }

    @Test
    void theSummaryCountsAnOfflineWorkersGpusAsOffline() {
        var summary = FleetSummary.of(List.of(worker(1, "b", true, 91), worker(2, "a", false, 91), worker(3, "c", true, 50)));
        assertEquals(new FleetSummary(2, 1, 1, 0, 1, 1, 1, 0), summary);
    }

    private static WorkerTile worker(long id, String name, boolean online, int celsius) {
        var alerts = celsius >= 85 && id == 1 ? new OpenAlertCounts.Counts(1, 0) : OpenAlertCounts.Counts.NONE;
        return new WorkerTile(id, name, "host-" + name, online, alerts, List.of(GpuTile.of(id, gpu(0, celsius, 1000), LEVELS, null)));
    }

    private static GpuNow gpu(int index, int celsius, int vramUsedMb) {
        return new GpuNow(index, "NVIDIA H100", 700, Instant.parse("2026-12-01T12:00:00Z"), vramUsedMb, 81559, celsius, 50, 512,
                null, "GPU-a", GpuHealth.NONE, CardLimits.NONE, null);
    }
}
