package com.trulience.prometheus.control;

import com.trulience.alerts.entity.Severity;
import com.trulience.metrics.control.CurrentFleet;
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
import java.util.List;
import java.util.Map;

/**
 * The fleet as Prometheus series, in base units and Prometheus' conventions (not dcgm-exporter's MiB and W):
 * one series per GPU of each online worker, labelled worker, hostname, gpu, uuid and model. No sample carries a
 * timestamp, since Prometheus turns staleness handling off for series that do; instead the GPUs of an offline
 * worker are left out, so that their series go stale, {@code trulience_worker_up} says 0, and
 * {@code trulience_gpu_sample_age_seconds} says how old each latest sample is. Fed one worker at a time
 * ({@link #add}) from the fleet snapshot, in {@link CurrentFleet}'s order.
 * <p>
 * {@code trulience_gpu_xid_events_total} carries its creation time (when the GPU's first Xid of that code was
 * counted), written as {@code _created} in OpenMetrics: the series only appears with its first event, at 1, and a
 * Prometheus that ingests created timestamps (2.50+, created-timestamp-zero-ingestion) puts a 0 before it, so
 * that {@code increase()} counts that first, usually only, Xid; older ones keep it as a series of its own.
 */
public final class FleetExposition {

    private static final long MIB = 1024L * 1024L;
    private static final Unit WATTS = new Unit("watts");

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

    /** {@code xidCounts}: {@link XidCounts#byWorker}. */
    public FleetExposition(Instant now, Map<Long, List<XidCount>> xidCounts) {
        this.now = now;
        this.xidCounts = xidCounts;
    }

    public void add(CurrentFleet.WorkerNow worker) {
        String hostname = text(worker.hostname());
        point(up, Labels.of("worker", worker.name(), "hostname", hostname), worker.online() ? 1 : 0);
        if (!worker.online()) {
            return;
        }
        for (var gpu : worker.gpus()) {
            var labels = Labels.of("worker", worker.name(), "hostname", hostname, "gpu", Integer.toString(gpu.gpuIndex()),
                    "uuid", text(gpu.uuid()), "model", text(gpu.name()));
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
                for (var reason : Throttle.values()) {
                    point(throttled, labels.add("reason", reason.wireName()), (reasons & reason.bit()) != 0 ? 1 : 0);
                }
            }
            if (gpu.recordedAt() != null) {
                point(sampleAge, labels, Math.max(0, Duration.between(gpu.recordedAt(), now).toMillis() / 1000.0));
            }
            for (var count : xidCounts.getOrDefault(worker.id(), List.of())) {
                if (count.gpuIndex() == gpu.gpuIndex()) {
                    xidEvents.dataPoint(CounterDataPointSnapshot.builder().labels(labels.add("xid", Integer.toString(count.xid())))
                            .value(count.total()).createdTimestampMillis(count.countedSince().toEpochMilli()).build());
                }
            }
        }
    }

    /** Every severity appears, 0 when none is open, so that a dashboard's panel never goes blank. */
    public void alertsOpen(Map<String, Long> bySeverity) {
        for (Severity severity : Severity.values()) {
            point(alertsOpen, Labels.of("severity", severity.wire()), bySeverity.getOrDefault(severity.wire(), 0L));
        }
    }

    /** These series followed by {@code others} (the node's own figures). */
    public MetricSnapshots snapshots(MetricSnapshots others) {
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
        gauge.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
