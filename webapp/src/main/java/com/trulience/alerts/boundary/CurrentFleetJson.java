package com.trulience.alerts.boundary;

import com.trulience.platform.control.JsonP;
import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.Levels;
import com.trulience.metrics.control.CurrentFleet;
import com.trulience.metrics.control.ProcessJson;
import com.trulience.metrics.entity.Metric;
import com.trulience.metrics.entity.Throttle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current API's JSON, one worker at a time, each kept as written for as long as its snapshot entry (the very
 * same object: the snapshot replaces an entry only when the worker changed) and its levels in force stay the
 * same: a request writes only the workers that changed since the last one, and copies the others' bytes. For
 * 1,000 workers x 8 GPUs (~6 MB) rendering all of them was the whole cost of the request.
 */
@ApplicationScoped
public class CurrentFleetJson {

    private static final JsonProvider JSON = JsonP.PROVIDER;
    private static final byte[] COMMA = {','};

    private record Written(CurrentFleet.WorkerNow worker, Map<Metric, Levels> levels, byte[] json) {
    }

    private final Map<Long, Written> written = new ConcurrentHashMap<>();

    void write(List<CurrentFleet.WorkerNow> workers, EffectiveThresholds thresholds, Instant now, OutputStream response)
            throws IOException {
        var output = new BufferedOutputStream(response, 64 * 1024);
        output.write(("{\"generated_at\":\"" + now + "\",\"workers\":[").getBytes(StandardCharsets.US_ASCII));
        boolean first = true;
        for (var worker : workers) {
            if (!first) {
                output.write(COMMA);
            }
            first = false;
            output.write(json(worker, thresholds.of(worker.id())));
        }
        output.write(new byte[] {']', '}'});
        output.flush();
        if (written.size() > workers.size()) {
            forgetAllBut(workers);
        }
    }

    private byte[] json(CurrentFleet.WorkerNow worker, Map<Metric, Levels> levels) {
        var known = written.get(worker.id());
        if (known != null && known.worker() == worker && known.levels().equals(levels)) {
            return known.json();
        }
        var bytes = new ByteArrayOutputStream(1_024);
        try (var json = JSON.createGenerator(bytes)) {
            write(worker, levels, json);
        }
        byte[] rendered = bytes.toByteArray();
        written.put(worker.id(), new Written(worker, levels, rendered));
        return rendered;
    }

    /** Workers gone from the fleet. */
    private void forgetAllBut(List<CurrentFleet.WorkerNow> workers) {
        var ids = new HashSet<Long>();
        workers.forEach(worker -> ids.add(worker.id()));
        written.keySet().retainAll(ids);
    }

    private static void write(CurrentFleet.WorkerNow worker, Map<Metric, Levels> levels, JsonGenerator json) {
        json.writeStartObject()
                .write("id", worker.id())
                .write("name", worker.name());
        writeNullable(json, "hostname", worker.hostname());
        json.write("status", worker.online() ? "online" : "offline");
        writeTime(json, "last_seen_at", worker.lastSeenAt());
        writeThresholds(levels, json);
        json.writeStartArray("gpus");
        worker.gpus().forEach(gpu -> writeGpu(gpu, json));
        json.writeEnd().writeEnd();
    }

    private static void writeGpu(CurrentFleet.GpuNow gpu, JsonGenerator json) {
        json.writeStartObject().write("gpu_index", gpu.gpuIndex());
        writeNullable(json, "name", gpu.name());
        writeNullable(json, "power_limit_watts", gpu.powerLimitWatts());
        writeTime(json, "recorded_at", gpu.recordedAt());
        json.write("vram_used_mb", gpu.vramUsedMb())
                .write("vram_total_mb", gpu.vramTotalMb())
                .write("vram_used_percent", gpu.vramUsedPercent())
                .write("temperature_celsius", gpu.temperatureCelsius())
                .write("utilization_percent", gpu.utilizationPercent());
        writeNullable(json, "power_draw_watts", gpu.powerDrawWatts());
        writeNullable(json, "power_draw_percent", gpu.powerDrawPercent());
        writeNullable(json, "fan_speed_percent", gpu.fanSpeedPercent());
        var health = gpu.health();
        writeNullable(json, "sm_clock_mhz", health.smClockMhz());
        writeNullable(json, "memory_temperature_celsius", health.memoryTemperatureCelsius());
        if (health.throttleReasons() == null) {
            json.writeNull("throttle_reasons");
        } else {
            json.writeStartArray("throttle_reasons");
            Throttle.wireNames(health.throttleReasons()).forEach(json::write);
            json.writeEnd();
        }
        writeNullable(json, "ecc_uncorrected_volatile", health.eccUncorrectedVolatile());
        writeNullable(json, "remapped_rows_pending", health.remappedRowsPending());
        writeNullable(json, "remapped_rows_failure", health.remappedRowsFailure());
        writeNullable(json, "pcie_replay_count", health.pcieReplayCount());
        writeNullable(json, "temperature_margin_celsius", gpu.temperatureMarginCelsius());
        var limits = gpu.limits();
        json.writeStartObject("limits");
        writeNullable(json, "slowdown_temperature_celsius", limits.slowdownTemperatureCelsius());
        writeNullable(json, "shutdown_temperature_celsius", limits.shutdownTemperatureCelsius());
        writeNullable(json, "max_sm_clock_mhz", limits.maxSmClockMhz());
        writeNullable(json, "enforced_power_limit_watts", limits.enforcedPowerLimitWatts());
        json.writeEnd();
        ProcessJson.writeHolders(gpu.processes(), gpu.vramUsedMb(), json);
        json.writeEnd();
    }

    /** The levels in force for the worker; a metric switched off has none. */
    private static void writeThresholds(Map<Metric, Levels> inForce, JsonGenerator json) {
        json.writeStartObject("thresholds");
        inForce.forEach((metric, levels) -> {
            if (levels.enabled()) {
                json.writeStartObject(metric.metricName())
                        .write("warning", levels.warning())
                        .write("critical", levels.critical())
                        .writeEnd();
            }
        });
        json.writeEnd();
    }

    private static void writeTime(JsonGenerator json, String name, Instant time) {
        writeNullable(json, name, time == null ? null : time.toString());
    }

    private static void writeNullable(JsonGenerator json, String name, Object value) {
        if (value == null) {
            json.writeNull(name);
        } else if (value instanceof String text) {
            json.write(name, text);
        } else if (value instanceof Boolean flag) {
            json.write(name, flag);
        } else if (value instanceof Double number) {
            json.write(name, number);
        } else {
            json.write(name, ((Number) value).longValue());
        }
    }
}
