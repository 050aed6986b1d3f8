package com.trulience.agent.collect;

import com.trulience.agent.comfyui.ComfyUiState;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.StringWriter;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The {@code gpu_metrics} frame of DESIGN.md section 2.
 *
 * <p>A lost GPU (one whose required reads failed in this sample) is left out of
 * {@code metrics}, whose entries must all be complete rows, and its index is listed in
 * {@code "lost_gpus":[...]}; the key is written only when a GPU is lost, so a healthy
 * machine's frame is exactly the documented one.
 */
public final class MetricsPayload {

    // Looking the JSON provider up costs far more than writing a frame: do it once.
    private static final JsonGeneratorFactory GENERATORS = Json.createGeneratorFactory(Map.of());

    private MetricsPayload() {
    }

    /**
     * The backend closes the socket on a frame over 64 KiB; 8 GPUs with 32 processes each, long unit names and
     * command lines could pass it, so such a frame is written again with fewer processes listed (command lines
     * first, then halving the lists; the rest summed in {@code processes_other}).
     */
    static final int MAX_FRAME_BYTES = 60_000;

    public static String json(long workerId, long seq, Sample sample) {
        return json(workerId, seq, sample, null);
    }

    /** With the {@code comfyui} object when {@code comfyUi} is not null (COMFYUI_URL set explicitly). */
    public static String json(long workerId, long seq, Sample sample, ComfyUiState comfyUi) {
        String frame = write(workerId, seq, sample, comfyUi);
        if (frame.length() * 3L <= MAX_FRAME_BYTES || utf8Length(frame) <= MAX_FRAME_BYTES) {
            return frame;
        }
        for (int kept = GpuProcesses.MAX_LISTED; ; kept /= 2) {
            int listed = kept;
            frame = write(workerId, seq, new Sample(sample.takenAt(), sample.gpus().stream()
                    .map(gpu -> gpu.withProcesses(gpu.processes().trimmed(listed, false))).toList()), comfyUi);
            if (kept == 0 || utf8Length(frame) <= MAX_FRAME_BYTES) {
                return frame;
            }
        }
    }

    private static int utf8Length(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static String write(long workerId, long seq, Sample sample, ComfyUiState comfyUi) {
        var out = new StringWriter(256);
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", "gpu_metrics")
                    .write("worker_id", workerId)
                    .write("seq", seq)
                    .write("timestamp", DateTimeFormatter.ISO_INSTANT.format(sample.takenAt().truncatedTo(ChronoUnit.SECONDS)))
                    .writeStartArray("metrics");
            boolean anyLost = false;
            for (GpuReading gpu : sample.gpus()) {
                if (gpu.lost()) {
                    anyLost = true;
                    continue;
                }
                json.writeStartObject()
                        .write("gpu_index", gpu.index())
                        .write("vram_used_mb", gpu.vramUsedMib())
                        .write("vram_total_mb", gpu.vramTotalMib())
                        .write("temperature_celsius", gpu.temperatureCelsius())
                        .write("utilization_percent", gpu.utilizationPercent());
                writeNullable(json, "power_draw_watts", gpu.powerDrawWatts());
                writeNullable(json, "fan_speed_percent", gpu.fanSpeedPercent());
                writeHealth(json, gpu.health());
                writeProcesses(json, gpu.processes());
                json.writeEnd();
            }
            json.writeEnd();
            if (anyLost) {
                json.writeStartArray("lost_gpus");
                for (GpuReading gpu : sample.gpus()) {
                    if (gpu.lost()) {
                        json.write(gpu.index());
                    }
                }
                json.writeEnd();
            }
            if (comfyUi != null) {
                writeComfyUi(json, comfyUi);
            }
            json.writeEnd();
        }
        return out.toString();
    }

    /** Unreachable is {@code {"reachable":false}} and nothing else, as the backend requires. */
    private static void writeComfyUi(JsonGenerator json, ComfyUiState comfyUi) {
        json.writeStartObject("comfyui").write("reachable", comfyUi.reachable());
        if (comfyUi.reachable()) {
            writeNullable(json, "version", comfyUi.version());
            json.write("jobs_running", comfyUi.jobsRunning()).write("jobs_pending", comfyUi.jobsPending());
            writeNullable(json, "running_prompt_id", comfyUi.runningPromptId());
            if (comfyUi.devices() == null) {
                json.writeNull("devices");
            } else {
                json.writeStartArray("devices");
                for (ComfyUiState.Device device : comfyUi.devices()) {
                    json.writeStartObject().write("index", device.index());
                    writeNullable(json, "torch_vram_total_mb", device.torchVramTotalMib());
                    writeNullable(json, "torch_vram_free_mb", device.torchVramFreeMib());
                    json.writeEnd();
                }
                json.writeEnd();
            }
        }
        json.writeEnd();
    }

    /**
     * {@code processes} only where NVML listed them (README "Protocol additions"); {@code command_line} only
     * when it was read (REPORT_PROCESS_COMMAND_LINES), {@code processes_other} only when more than
     * {@link GpuProcesses#MAX_LISTED} were listed.
     */
    private static void writeProcesses(JsonGenerator json, GpuProcesses processes) {
        if (processes.listed() == null) {
            return;
        }
        json.writeStartArray("processes");
        for (GpuProcess process : processes.listed()) {
            json.writeStartObject().write("pid", process.pid());
            writeNullable(json, "name", process.name());
            writeNullable(json, "unit", process.unit());
            writeNullable(json, "container", process.container());
            writeNullable(json, "user", process.user());
            writeNullable(json, "vram_used_mb", process.vramUsedMib());
            writeNullable(json, "sm_percent", process.smPercent());
            writeNullable(json, "mem_percent", process.memoryPercent());
            if (process.commandLine() != null) {
                json.write("command_line", process.commandLine());
            }
            json.writeEnd();
        }
        json.writeEnd();
        if (processes.otherCount() > 0) {
            json.writeStartObject("processes_other").write("count", processes.otherCount());
            writeNullable(json, "vram_used_mb", processes.otherVramUsedMib());
            json.writeEnd();
        }
    }

    private static void writeNullable(JsonGenerator json, String name, String value) {
        if (value == null) {
            json.writeNull(name);
        } else {
            json.write(name, value);
        }
    }

    private static void writeHealth(JsonGenerator json, GpuHealth health) {
        writeNullable(json, "sm_clock_mhz", health.smClockMhz());
        writeNullable(json, "memory_temperature_celsius", health.memoryTemperatureCelsius());
        if (health.throttleReasons() == null) {
            json.writeNull("throttle_reasons");
        } else {
            json.writeStartArray("throttle_reasons");
            health.throttleReasons().forEach(json::write);
            json.writeEnd();
        }
        writeNullable(json, "ecc_uncorrected_volatile", health.eccUncorrectedVolatile());
        writeNullable(json, "remapped_rows_pending", health.remappedRowsPending());
        writeNullable(json, "remapped_rows_failure", health.remappedRowsFailure());
        writeNullable(json, "pcie_replay_count", health.pcieReplayCount());
    }

    private static void writeNullable(JsonGenerator json, String name, Long value) {
        if (value == null) {
            json.writeNull(name);
        } else {
            json.write(name, value.longValue());
        }
    }

    private static void writeNullable(JsonGenerator json, String name, Boolean value) {
        if (value == null) {
            json.writeNull(name);
        } else {
            json.write(name, value.booleanValue());
        }
    }

    private static void writeNullable(JsonGenerator json, String name, Integer value) {
        if (value == null) {
            json.writeNull(name);
        } else {
            json.write(name, value.intValue());
        }
    }
}
