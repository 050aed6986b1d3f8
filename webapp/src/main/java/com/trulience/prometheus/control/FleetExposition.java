package com.trulience.prometheus.control;

import com.trulience.alerts.entity.Severity;
import com.trulience.metrics.control.CurrentFleet;
import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.entity.Throttle;
import com.trulience.prometheus.control.XidCounts.XidCount;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fleet as Prometheus series, in base units and Prometheus' conventions (not dcgm-exporter's MiB and W):
 * one series per GPU of each online worker, labelled worker, hostname, gpu, uuid and model. No sample carries a
 * timestamp, since Prometheus turns staleness handling off for series that do; instead the GPUs of an offline
 * worker are left out, so that their series go stale, {@code trulience_worker_up} says 0, and
 * {@code trulience_gpu_sample_age_seconds} says how old each latest sample is. Fed one worker at a time
 * ({@link #add}) from the fleet snapshot, then {@link #snapshots} once.
 * <p>
 * {@code trulience_gpu_xid_events_total} carries its creation time (when the GPU's first Xid of that code was
 * counted), written as {@code _created} in OpenMetrics: the series only appears with its first event, at 1, and a
 * Prometheus that ingests created timestamps (2.50+, created-timestamp-zero-ingestion) puts a 0 before it, so
 * that {@code increase()} counts that first, usually only, Xid; older ones keep it as a series of its own.
 */
public final class FleetExposition {

    private static final long MIB = 1024L * 1024L;
    private static final Unit WATTS = new Unit("watts");
    /** A GPU's reason series follow each other in the order of their {@code reason} label. */
    private static final Throttle[] REASONS_IN_LABEL_ORDER = Arrays.stream(Throttle.values())
            .sorted(Comparator.comparing(Throttle::wireName)).toArray(Throttle[]::new);

    private final Instant now;
    private final GaugeSnapshot.Builder up = gauge("trulience_worker_up", "1 while the worker's agent reports, 0 once it is offline", null);
    private final GaugeSnapshot.Builder temperature = gauge("trulience_gpu_temperature_celsius", "GPU core temperature", Unit.CELSIUS);
    private final GaugeSnapshot.Builder memoryUsed = gauge("trulience_gpu_memory_used_bytes", "GPU memory (VRAM) in use", Unit.BYTES);
    private final GaugeSnapshot.Builder memoryTotal = gauge("trulience_gpu_memory_total_bytes", "GPU memory (VRAM) of the card", Unit.BYTES);
    private final GaugeSnapshot.Builder utilization = gauge("trulience_gpu_utilization_ratio", "GPU utilization, 0 to 1", Unit.RATIO);
    private final GaugeSnapshot.Builder power = gauge("trulience_gpu_power_watts", "GPU power draw", WATTS);
    private final GaugeSnapshot.Builder powerLimit = gauge("trulience_gpu_power_limit_watts", "GPU power limit", WATTS);
    private final GaugeSnapshot.Builder fan = gauge("trulience_gpu_fan_ratio", "GPU fan speed, 0 to 1 (absent on cards without a fan)", Unit.RATIO);
    private final GaugeSnapshot.Builder sampleAge = gauge("trulience_gpu_sample_age_seconds", "Age of the GPU's latest sample at this scrape", Unit.SECONDS);
    private final GaugeSnapshot.Builder throttled = gauge("trulience_gpu_throttled",
            "1 while the GPU's latest sample names this throttle reason, else 0 (absent where the card reports none)", null);
    private final GaugeSnapshot.Builder alertsOpen = gauge("trulience_alerts_open", "Open alerts of the whole fleet, by severity", null);
    private final CounterSnapshot.Builder xidEvents = CounterSnapshot.builder().name("trulience_gpu_xid_events")
            .help("Xid events the GPU's driver reported, by Xid code, since the backend first counted one");
    private final Map<Long, List<XidCount>> xidCounts;
    private final SeriesLabels labels;
    private final List<GpuSeries> gpus = new ArrayList<>();
    private final Set<Long> workerIds = new HashSet<>();

    private record GpuSeries(SeriesLabels.Gpu labels, GpuNow gpu, List<XidCount> xidCounts) {
    }

    /** {@code xidCounts}: {@link XidCounts#byWorker}; {@code labels}: kept across scrapes. */
    public FleetExposition(Instant now, Map<Long, List<XidCount>> xidCounts, SeriesLabels labels) {
        this.now = now;
        this.xidCounts = xidCounts;
        this.labels = labels;
    }

    public void add(CurrentFleet.WorkerNow worker) {
        workerIds.add(worker.id());
        var workerLabels = labels.of(worker);
        point(up, workerLabels.up(), worker.online() ? 1 : 0);
        if (!worker.online()) {
            return;
        }
        var xids = xidCounts.getOrDefault(worker.id(), List.of());
        for (int i = 0; i < worker.gpus().size(); i++) {
            gpus.add(new GpuSeries(workerLabels.gpus().get(i), worker.gpus().get(i), xids));
        }
    }

    /**
     * Each series' points in the order of their labels: the client library sorts every series' points by their
     * labels, and fed in that order its sort only checks it, where in the fleet's order it sorted 8,000 points
     * eight times and 40,000 once per scrape (the profile of a scrape had those sorts at a third of the backend's
     * time). The order is that of the GPU's labels (gpu, hostname, model, uuid, worker), then reason or xid.
     */
    private void addGpuPoints() {
        gpus.sort(Comparator.comparing(series -> series.labels().labels()));
        for (var series : gpus) {
            var gpu = series.gpu();
            var labels = series.labels().labels();
            point(temperature, labels, gpu.temperatureCelsius());
            point(memoryUsed, labels, gpu.vramUsedMb() * MIB);
            point(memoryTotal, labels, gpu.vramTotalMb() * MIB);
            point(utilization, labels, gpu.utilizationPercent() / 100.0);
            if (gpu.powerDrawWatts() != null) {
                point(power, labels, gpu.powerDrawWatts());
            }
            if (gpu.powerLimitWatts() != null) {
                point(powerLimit, labels, gpu.powerLimitWatts());
            }
            if (gpu.fanSpeedPercent() != null) {
                point(fan, labels, gpu.fanSpeedPercent() / 100.0);
            }
            Integer reasons = gpu.health().throttleReasons();
            if (reasons != null) {
                for (var reason : REASONS_IN_LABEL_ORDER) {
                    point(throttled, series.labels().byReason()[reason.ordinal()], (reasons & reason.bit()) != 0 ? 1 : 0);
                }
            }
            if (gpu.recordedAt() != null) {
                point(sampleAge, labels, Math.max(0, Duration.between(gpu.recordedAt(), now).toMillis() / 1000.0));
            }
            for (var count : series.xidCounts()) {
                if (count.gpuIndex() == gpu.gpuIndex()) {
                    xidEvents.dataPoint(new CounterDataPointSnapshot(count.total(), labels.add("xid", Integer.toString(count.xid())),
                            null, count.countedSince().toEpochMilli()));
                }
            }
        }
        gpus.clear(); // in the builders now; a second call of snapshots() adds nothing twice
    }

    /** Every severity appears, 0 when none is open, so that a dashboard's panel never goes blank. */
    public void alertsOpen(Map<String, Long> bySeverity) {
        for (Severity severity : Severity.values()) {
            point(alertsOpen, Labels.of("severity", severity.wire()), bySeverity.getOrDefault(severity.wire(), 0L));
        }
    }

    /** These series followed by {@code others} (the node's own figures), once every worker is {@link #add}ed. */
    public MetricSnapshots snapshots(MetricSnapshots others) {
        addGpuPoints();
        labels.keepOnly(workerIds);
        var all = MetricSnapshots.builder();
        for (var gauge : new GaugeSnapshot.Builder[] {up, temperature, memoryUsed, memoryTotal, utilization, power, powerLimit, fan, throttled, sampleAge, alertsOpen}) {
            all.metricSnapshot(gauge.build());
        }
        all.metricSnapshot(xidEvents.build());
        others.forEach(all::metricSnapshot);
        return all.build();
    }

    private static GaugeSnapshot.Builder gauge(String name, String help, Unit unit) {
        var gauge = GaugeSnapshot.builder().name(name).help(help);
        return unit == null ? gauge : gauge.unit(unit);
    }

    private static void point(GaugeSnapshot.Builder gauge, Labels labels, double value) {
        gauge.dataPoint(new GaugeDataPointSnapshot(value, labels, null));
    }
}
