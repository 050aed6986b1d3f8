package com.trulience.alerts.boundary;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.Thresholds;
import com.trulience.metrics.control.CurrentFleet;
import com.trulience.metrics.control.FleetSnapshot;
import com.trulience.metrics.control.ProcessJson;
import com.trulience.metrics.entity.Throttle;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedOutputStream;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The fleet now, in one call: {@code GET /api/v1/admin/workers/metrics/current}, from the {@link FleetSnapshot}
 * (no query but the thresholds'), streamed worker by worker: for 1,000 workers x 8 GPUs that is ~2 MB that would
 * otherwise be built in memory.
 * It lives with the thresholds rather than the samples because it joins the two, and alerts already depends on
 * metrics: metrics never looks up at alerts.
 */
@Tag(name = "metrics")
@Path("v1/admin/workers/metrics/current")
@Produces(MediaType.APPLICATION_JSON)
public class CurrentMetricsResource {

    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    Thresholds thresholds;

    @Inject
    FleetSnapshot fleet;

    @Operation(summary = "The latest sample of every GPU of every worker, with the thresholds in force")
    @APIResponse(responseCode = "200", description = "the fleet now")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @GET
    public StreamingOutput current() {
        var inForce = thresholds.inForce();
        var workers = fleet.workers();
        return output -> {
            try (var json = JSON.createGenerator(new BufferedOutputStream(output, 64 * 1024))) {
                json.writeStartObject().write("generated_at", Instant.now().toString()).writeStartArray("workers");
                workers.forEach(worker -> write(worker, inForce, json));
                json.writeEnd().writeEnd();
            }
        };
    }

    private static void write(CurrentFleet.WorkerNow worker, EffectiveThresholds thresholds, JsonGenerator json) {
        json.writeStartObject()
                .write("id", worker.id())
                .write("name", worker.name());
        writeNullable(json, "hostname", worker.hostname());
        json.write("status", worker.online() ? "online" : "offline");
        writeTime(json, "last_seen_at", worker.lastSeenAt());
        writeThresholds(thresholds, worker.id(), json);
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
    private static void writeThresholds(EffectiveThresholds thresholds, long worker, JsonGenerator json) {
        json.writeStartObject("thresholds");
        thresholds.of(worker).forEach((metric, levels) -> {
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
