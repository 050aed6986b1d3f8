package com.trulience.prometheus.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.prometheus.control.XidCounts.XidCount;
import com.trulience.workers.entity.CardLimits;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetExpositionTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:10Z");

    private static String text(FleetExposition fleet) throws Exception {
        var out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, fleet.snapshots(new MetricSnapshots()));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static FleetExposition fleet() {
        var fleet = new FleetExposition(NOW, Map.of(), new SeriesLabels());
        fleet.add(new WorkerNow(1, "demo-1", "gpu-01", true, NOW, null, List.of(
                new GpuNow(0, "NVIDIA H100 80GB HBM3", 700, Instant.parse("2026-12-01T12:00:07.500Z"), 40213, 81559, 61, 97, 512, null, "GPU-abc", GpuHealth.NONE, CardLimits.NONE, null))));
        fleet.add(new WorkerNow(2, "demo-2", null, false, NOW, null, List.of(
                new GpuNow(0, "NVIDIA A10", 150, Instant.parse("2026-12-01T11:00:00Z"), 100, 24000, 40, 0, 50, 30, "GPU-def", GpuHealth.NONE, CardLimits.NONE, null))));
        fleet.alertsOpen(Map.of("critical", 2L));
        return fleet;
    }

    @Test
    void writesBaseUnitsWithTheGpuLabelsAndNoTimestamps() throws Exception {
        String text = text(fleet());
        String labels = "{gpu=\"0\",hostname=\"gpu-01\",model=\"NVIDIA H100 80GB HBM3\",uuid=\"GPU-abc\",worker=\"demo-1\"}";
        assertTrue(text.contains("trulience_gpu_temperature_celsius" + labels + " 61.0\n"), text);
        assertTrue(text.contains("trulience_gpu_memory_used_bytes" + labels + " " + 40213.0 * 1024 * 1024 + "\n")
                || text.contains("trulience_gpu_memory_used_bytes" + labels + " 4.2166386688E10\n"), text);
        assertTrue(text.contains("trulience_gpu_utilization_ratio" + labels + " 0.97\n"), text);
        assertTrue(text.contains("trulience_gpu_power_watts" + labels + " 512.0\n"), text);
        assertTrue(text.contains("trulience_gpu_power_limit_watts" + labels + " 700.0\n"), text);
        assertTrue(text.contains("trulience_gpu_sample_age_seconds" + labels + " 2.5\n"), text);
        assertFalse(text.contains("trulience_gpu_fan_ratio{"), "no fan reported, no fan series: " + text);
    }

    @Test
    void leavesOutTheGpusOfOfflineWorkersAndSaysTheyAreDown() throws Exception {
        String text = text(fleet());
        assertTrue(text.contains("trulience_worker_up{hostname=\"gpu-01\",worker=\"demo-1\"} 1.0\n"), text);
        assertTrue(text.contains("trulience_worker_up{hostname=\"\",worker=\"demo-2\"} 0.0\n"), text);
        assertFalse(text.contains("worker=\"demo-2\"} 4"), text);
        assertEquals(1, text.lines().filter(line -> line.startsWith("trulience_gpu_temperature_celsius{")).count(), text);
    }

    @Test
    void countsOpenAlertsOfEverySeverity() throws Exception {
        String text = text(fleet());
        assertTrue(text.contains("trulience_alerts_open{severity=\"critical\"} 2.0\n"), text);
        assertTrue(text.contains("trulience_alerts_open{severity=\"warning\"} 0.0\n"), text);
    }

    @Test
    void speaksOpenMetricsWithUnitsAndAnEof() throws Exception {
        var out = new ByteArrayOutputStream();
        OpenMetricsTextFormatWriter.create().write(out, fleet().snapshots(new MetricSnapshots()));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("# UNIT trulience_gpu_temperature_celsius celsius\n"), text);
        assertTrue(text.endsWith("# EOF\n"), text);
    }

    @Test
    void saysEveryThrottleReasonOfTheLatestSampleAsOneOrZero() throws Exception {
        var fleet = new FleetExposition(NOW, Map.of(), new SeriesLabels());
        var throttling = new GpuHealth(1410, null, 4 | 1, null, null, null, null);
        fleet.add(new WorkerNow(1, "demo-1", "gpu-01", true, NOW, null, List.of(
                new GpuNow(0, "NVIDIA H100 80GB HBM3", 700, NOW, 1, 81559, 80, 97, 512, null, "GPU-abc", throttling, CardLimits.NONE, null),
                new GpuNow(1, "NVIDIA H100 80GB HBM3", 700, NOW, 1, 81559, 40, 0, 80, null, "GPU-abd", GpuHealth.NONE, CardLimits.NONE, null))));
        String text = text(fleet);
        String labels = "gpu=\"0\",hostname=\"gpu-01\",model=\"NVIDIA H100 80GB HBM3\",reason=\"%s\",uuid=\"GPU-abc\",worker=\"demo-1\"";
        assertTrue(text.contains("trulience_gpu_throttled{" + labels.formatted("sw_thermal_slowdown") + "} 1.0\n"), text);
        assertTrue(text.contains("trulience_gpu_throttled{" + labels.formatted("sw_power_cap") + "} 1.0\n"), text);
        assertTrue(text.contains("trulience_gpu_throttled{" + labels.formatted("hw_slowdown") + "} 0.0\n"), text);
        assertEquals(5, text.lines().filter(line -> line.startsWith("trulience_gpu_throttled{")).count(),
                "one series per reason, none for the card that reports no reasons: " + text);
    }

    @Test
    void countsXidEventsPerGpuAndCodeOfOnlineWorkersOnly() throws Exception {
        var since = Instant.parse("2026-11-30T08:00:00.250Z");
        var fleet = new FleetExposition(NOW, Map.of(
                1L, List.of(new XidCount(0, 79, 3, since), new XidCount(0, 13, 1, since), new XidCount(5, 79, 2, since)),
                2L, List.of(new XidCount(0, 48, 4, since))), new SeriesLabels());
        fleet.add(new WorkerNow(1, "demo-1", "gpu-01", true, NOW, null, List.of(
                new GpuNow(0, "NVIDIA H100 80GB HBM3", 700, NOW, 1, 81559, 80, 97, 512, null, "GPU-abc", GpuHealth.NONE, CardLimits.NONE, null),
                new GpuNow(1, "NVIDIA H100 80GB HBM3", 700, NOW, 1, 81559, 40, 0, 80, null, "GPU-abd", GpuHealth.NONE, CardLimits.NONE, null))));
        fleet.add(new WorkerNow(2, "demo-2", "gpu-02", false, NOW, null, List.of(
                new GpuNow(0, "NVIDIA A10", 150, NOW, 100, 24000, 40, 0, 50, 30, "GPU-def", GpuHealth.NONE, CardLimits.NONE, null))));
        String text = text(fleet);
        String labels = "{gpu=\"0\",hostname=\"gpu-01\",model=\"NVIDIA H100 80GB HBM3\",uuid=\"GPU-abc\",worker=\"demo-1\",xid=\"%s\"}";
        assertTrue(text.contains("# TYPE trulience_gpu_xid_events_total counter\n"), text);
        assertTrue(text.contains("trulience_gpu_xid_events_total" + labels.formatted("79") + " 3.0\n"), text);
        assertTrue(text.contains("trulience_gpu_xid_events_total" + labels.formatted("13") + " 1.0\n"), text);
        assertEquals(2, text.lines().filter(line -> line.startsWith("trulience_gpu_xid_events_total{")).count(),
                "none for a GPU the snapshot does not have, none for an offline worker's: " + text);
        assertFalse(text.contains("_created"), "the text format 0.0.4 has no created timestamps: " + text);

        var out = new ByteArrayOutputStream();
        OpenMetricsTextFormatWriter.builder().setCreatedTimestampsEnabled(true).build().write(out, fleet.snapshots(new MetricSnapshots()));
        String openMetrics = out.toString(StandardCharsets.UTF_8);
        assertTrue(openMetrics.contains("trulience_gpu_xid_events_total" + labels.formatted("79") + " 3.0\n"), openMetrics);
        assertTrue(openMetrics.contains("trulience_gpu_xid_events_created" + labels.formatted("79") + " 1796025600.250\n"), openMetrics);
    }

    @Test
    void labelsKeptFromTheLastScrapeFollowARenamedWorkerAndASwappedCard() throws Exception {
        var kept = new SeriesLabels();
        var first = new FleetExposition(NOW, Map.of(), kept);
        first.add(new WorkerNow(1, "demo-1", "gpu-01", true, NOW, null, List.of(
                new GpuNow(0, "NVIDIA H100 80GB HBM3", 700, NOW, 1, 81559, 61, 97, 512, null, "GPU-abc", GpuHealth.NONE, CardLimits.NONE, null))));
        assertTrue(text(first).contains("trulience_gpu_temperature_celsius{gpu=\"0\",hostname=\"gpu-01\",model=\"NVIDIA H100 80GB HBM3\",uuid=\"GPU-abc\",worker=\"demo-1\"} 61.0\n"));

        var second = new FleetExposition(NOW, Map.of(), kept);
        second.add(new WorkerNow(1, "demo-1", "gpu-01b", true, NOW, null, List.of(
                new GpuNow(0, "NVIDIA H200", 700, NOW, 1, 81559, 62, 97, 512, null, "GPU-new", GpuHealth.NONE, CardLimits.NONE, null))));
        String text = text(second);
        assertTrue(text.contains("trulience_gpu_temperature_celsius{gpu=\"0\",hostname=\"gpu-01b\",model=\"NVIDIA H200\",uuid=\"GPU-new\",worker=\"demo-1\"} 62.0\n"), text);
        assertTrue(text.contains("trulience_worker_up{hostname=\"gpu-01b\",worker=\"demo-1\"} 1.0\n"), text);
        assertFalse(text.contains("GPU-abc") || text.contains("\"gpu-01\""), text);
    }

    @Test
    void writesEachSeriesInTheOrderOfItsLabelsWhateverTheFleetsOrder() throws Exception {
        var fleet = new FleetExposition(NOW, Map.of(), new SeriesLabels());
        var throttling = new GpuHealth(1410, null, 1, null, null, null, null);
        for (String name : new String[] {"b", "a", "c"}) {
            fleet.add(new WorkerNow(name.charAt(0), name, "host-" + name, true, NOW, null, List.of(
                    new GpuNow(1, "NVIDIA H100", 700, NOW, 1, 81559, 60, 97, 512, null, "GPU-" + name + "1", throttling, CardLimits.NONE, null),
                    new GpuNow(0, "NVIDIA H100", 700, NOW, 1, 81559, 60, 97, 512, null, "GPU-" + name + "0", throttling, CardLimits.NONE, null))));
        }
        var uuids = text(fleet).lines().filter(line -> line.startsWith("trulience_gpu_temperature_celsius{"))
                .map(line -> line.replaceAll(".*uuid=\"([^\"]+)\".*", "$1")).toList();
        assertEquals(List.of("GPU-a0", "GPU-b0", "GPU-c0", "GPU-a1", "GPU-b1", "GPU-c1"), uuids, "by gpu, then hostname: the labels' order");
        assertEquals(30, text(fleet).lines().filter(line -> line.startsWith("trulience_gpu_throttled{")).count());
    }
}
