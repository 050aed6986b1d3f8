package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.agent.comfyui.ComfyUiState;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsPayloadTest {

    private static final Instant AT = Instant.parse("2026-11-28T05:00:00.987654Z");
    private static final GpuReading H100 = new GpuReading(0, "NVIDIA H100 80GB HBM3", "GPU-a", false,
            40213, 81559, 61, 97, 512, 700, null,
            new GpuHealth(1755, 58, List.of("sw_power_cap", "hw_thermal_slowdown"), 0L, true, false, 3L));
    private static final GpuReading L40S = new GpuReading(1, "NVIDIA L40S", "GPU-b", false,
            1024, 46068, 44, 0, null, null, 30, GpuHealth.NONE);

    @Test
    void addsTheComfyUiObjectOnlyWhenComfyUiIsMonitored() {
        var sample = new Sample(AT, List.of(L40S));
        String reachable = MetricsPayload.json(7, 1, sample, new ComfyUiState(true, "0.3.40", 1, 2, "5c1f",
                List.of(new ComfyUiState.Device(0, 20480L, 1024L), new ComfyUiState.Device(1, null, null))));
        String unreachable = MetricsPayload.json(7, 1, sample, ComfyUiState.UNREACHABLE);
        String idleWithoutStats = MetricsPayload.json(7, 1, sample, new ComfyUiState(true, null, 0, 0, null, null));

        assertEquals("{\"reachable\":true,\"version\":\"0.3.40\",\"jobs_running\":1,\"jobs_pending\":2,"
                + "\"running_prompt_id\":\"5c1f\",\"devices\":[{\"index\":0,\"torch_vram_total_mb\":20480,\"torch_vram_free_mb\":1024},"
                + "{\"index\":1,\"torch_vram_total_mb\":null,\"torch_vram_free_mb\":null}]}",
                parse(reachable).getJsonObject("comfyui").toString());
        assertEquals("{\"reachable\":false}", parse(unreachable).getJsonObject("comfyui").toString(),
                "unreachable carries nothing else, as the backend requires");
        assertEquals("{\"reachable\":true,\"version\":null,\"jobs_running\":0,\"jobs_pending\":0,"
                + "\"running_prompt_id\":null,\"devices\":null}", parse(idleWithoutStats).getJsonObject("comfyui").toString());
        assertFalse(parse(MetricsPayload.json(7, 1, sample)).containsKey("comfyui"), "absent unless COMFYUI_URL is set");
        assertEquals(MetricsPayload.json(7, 1, sample), MetricsPayload.json(7, 1, sample, null));
    }

    @Test
    void writesTheDocumentedFrameWithNullsForMissingOptionalMetrics() {
        String json = MetricsPayload.json(7, 1042, new Sample(AT, List.of(H100, L40S)));

        assertEquals("{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":1042,\"timestamp\":\"2026-11-28T05:00:00Z\","
                + "\"metrics\":[{\"gpu_index\":0,\"vram_used_mb\":40213,\"vram_total_mb\":81559,\"temperature_celsius\":61,"
                + "\"utilization_percent\":97,\"power_draw_watts\":512,\"fan_speed_percent\":null,"
                + "\"sm_clock_mhz\":1755,\"memory_temperature_celsius\":58,\"throttle_reasons\":[\"sw_power_cap\",\"hw_thermal_slowdown\"],"
                + "\"ecc_uncorrected_volatile\":0,\"remapped_rows_pending\":true,\"remapped_rows_failure\":false,\"pcie_replay_count\":3},"
                + "{\"gpu_index\":1,\"vram_used_mb\":1024,\"vram_total_mb\":46068,\"temperature_celsius\":44,"
                + "\"utilization_percent\":0,\"power_draw_watts\":null,\"fan_speed_percent\":30,"
                + "\"sm_clock_mhz\":null,\"memory_temperature_celsius\":null,\"throttle_reasons\":null,"
                + "\"ecc_uncorrected_volatile\":null,\"remapped_rows_pending\":null,\"remapped_rows_failure\":null,"
                + "\"pcie_replay_count\":null}]}", json);
    }

    @Test
    void leavesLostGpusOutOfTheMetricsAndListsTheirIndexes() {
        var lost = GpuReading.lost(2, "NVIDIA H100 80GB HBM3", "GPU-c");
        JsonObject frame = parse(MetricsPayload.json(7, 1, new Sample(AT, List.of(H100, lost, L40S))));

        assertEquals(List.of(0, 1), frame.getJsonArray("metrics").getValuesAs(JsonObject.class).stream()
                .map(gpu -> gpu.getInt("gpu_index")).toList());
        assertEquals(Json.createArrayBuilder().add(2).build(), frame.getJsonArray("lost_gpus"));
    }

    @Test
    void writesNoLostGpusKeyWhenAllGpusAnswer() {
        assertFalse(parse(MetricsPayload.json(7, 1, new Sample(AT, List.of(H100)))).containsKey("lost_gpus"));
    }

    @Test
    void writesAnEmptyMetricsArrayForAMachineWithoutGpus() {
        JsonObject frame = parse(MetricsPayload.json(3, 9, new Sample(AT, List.of())));

        assertTrue(frame.getJsonArray("metrics").isEmpty());
        assertEquals(9, frame.getJsonNumber("seq").longValue());
    }

    @Test
    void writesLargeWorkerIdsAndSequencesAsJsonNumbers() {
        JsonObject frame = parse(MetricsPayload.json(Long.MAX_VALUE, 4_000_000_000L, new Sample(AT, List.of(L40S))));

        assertEquals(Long.MAX_VALUE, frame.getJsonNumber("worker_id").longValueExact());
        assertEquals(4_000_000_000L, frame.getJsonNumber("seq").longValueExact());
        assertEquals(JsonValue.NULL, frame.getJsonArray("metrics").getJsonObject(0).get("power_draw_watts"));
    }

    @Test
    void writesTheProcessesOfAGpuAndTheirOtherSummary() {
        var processes = new GpuProcesses(List.of(
                new GpuProcess(1234, "python3", "comfyui.service", null, "comfy", 30144, 87, 40, null),
                new GpuProcess(99, null, null, null, null, null, null, null, null)), 3, 1200);
        var gpu = new GpuReading(0, "NVIDIA L40S", "GPU-b", false, 40000, 46068, 44, 90, null, null, 30, GpuHealth.NONE,
                processes);

        JsonObject entry = parse(MetricsPayload.json(7, 1, new Sample(AT, List.of(gpu)))).getJsonArray("metrics")
                .getJsonObject(0);

        assertEquals("[{\"pid\":1234,\"name\":\"python3\",\"unit\":\"comfyui.service\",\"container\":null,"
                + "\"user\":\"comfy\",\"vram_used_mb\":30144,\"sm_percent\":87,\"mem_percent\":40},"
                + "{\"pid\":99,\"name\":null,\"unit\":null,\"container\":null,\"user\":null,\"vram_used_mb\":null,"
                + "\"sm_percent\":null,\"mem_percent\":null}]", entry.getJsonArray("processes").toString());
        assertEquals("{\"count\":3,\"vram_used_mb\":1200}", entry.getJsonObject("processes_other").toString());
    }

    @Test
    void writesACommandLineOnlyWhereOneWasRead() {
        var processes = new GpuProcesses(List.of(new GpuProcess(1, "x", null, null, null, 1, null, null, "x --flag")), 0, null);
        var gpu = new GpuReading(0, "G", "GPU-b", false, 1, 2, 3, 4, null, null, null, GpuHealth.NONE, processes);

        JsonObject process = parse(MetricsPayload.json(7, 1, new Sample(AT, List.of(gpu)))).getJsonArray("metrics")
                .getJsonObject(0).getJsonArray("processes").getJsonObject(0);

        assertEquals("x --flag", process.getString("command_line"));
        assertFalse(parse(MetricsPayload.json(7, 1, new Sample(AT, List.of(L40S)))).getJsonArray("metrics")
                .getJsonObject(0).containsKey("processes"), "a GPU whose processes were not read has no key");
    }

    @Test
    void keepsAFrameOfManyProcessesWithLongCommandLinesUnderTheBackendsLimit() {
        var gpus = new java.util.ArrayList<GpuReading>();
        for (int gpu = 0; gpu < 8; gpu++) {
            var processes = new java.util.ArrayList<GpuProcess>();
            for (int i = 0; i < 32; i++) {
                processes.add(new GpuProcess(1000 + i, "python3", "u".repeat(200) + ".service", "f".repeat(64), "comfy",
                        1000 - i, 50, 20, "python3 main.py " + "x".repeat(1000)));
            }
            gpus.add(new GpuReading(gpu, "G", "GPU-" + gpu, false, 40000, 81559, 50, 50, 300, 700, null, GpuHealth.NONE,
                    new GpuProcesses(processes, 4, 100)));
        }

        String json = MetricsPayload.json(7, 1, new Sample(AT, gpus));

        assertTrue(json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MetricsPayload.MAX_FRAME_BYTES, "" + json.length());
        assertFalse(json.contains("command_line"), "command lines go first");
        JsonObject gpu = parse(json).getJsonArray("metrics").getJsonObject(0);
        int listed = gpu.getJsonArray("processes").size();
        assertTrue(listed > 0 && listed < 32, "listed " + listed);
        assertEquals(4 + 32 - listed, gpu.getJsonObject("processes_other").getInt("count"), "every process is counted");
        assertEquals(1000, gpu.getJsonArray("processes").getJsonObject(0).getInt("vram_used_mb"), "the largest stay");
    }

    private static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
