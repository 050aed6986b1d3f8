package com.trulience.agents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.trulience.metrics.entity.GpuProcess;
import com.trulience.metrics.entity.GpuProcesses;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The processes of a gpu_metrics GPU entry, as FrameParser reads them. */
class ProcessListTest {

    private static final Instant NOW = Instant.parse("2026-11-28T05:00:30Z");
    private static final String GPU = "{\"gpu_index\":0,\"vram_used_mb\":40213,\"vram_total_mb\":81559,"
            + "\"temperature_celsius\":61,\"utilization_percent\":97";
    private static final String COMFY = "{\"pid\":1234,\"name\":\"python3\",\"unit\":\"comfyui.service\",\"container\":null,"
            + "\"user\":\"comfy\",\"vram_used_mb\":30144,\"sm_percent\":87}";

    private static GpuProcesses read(String gpuFields) {
        String text = "{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":1,\"timestamp\":\"2026-11-28T05:00:00Z\","
                + "\"metrics\":[" + GPU + gpuFields + "}]}";
        JsonObject frame = Json.createReader(new StringReader(text)).readObject();
        return FrameParser.metrics(frame, NOW, NOW.minus(Duration.ofDays(90))).samples().get(0).processes();
    }

    private static String rejectedField(String gpuFields) {
        return assertThrows(InvalidFrame.class, () -> read(gpuFields)).field();
    }

    @Test
    void readsTheIssuesExample() {
        var processes = read(",\"processes\":[" + COMFY + "]");

        assertEquals(List.of(new GpuProcess(1234, "python3", "comfyui.service", null, "comfy", 30144, 87, null, null)),
                processes.listed());
        assertEquals(0, processes.otherCount());
        assertEquals(40213 - 30144, processes.unattributedMb(40213));
    }

    @Test
    void absentProcessesAreNotReportedAndAnEmptyListIsNoneRunning() {
        assertFalse(read("").reported());
        assertEquals(List.of(), read(",\"processes\":[]").listed());
    }

    @Test
    void aGoneProcessHasOnlyItsPidAndVram() {
        var gone = read(",\"processes\":[{\"pid\":99,\"vram_used_mb\":512}]").listed().get(0);

        assertEquals(new GpuProcess(99, null, null, null, null, 512, null, null, null), gone);
    }

    @Test
    void readsTheOtherSummaryAndCountsItAsAttributed() {
        var processes = read(",\"processes\":[" + COMFY + "],\"processes_other\":{\"count\":3,\"vram_used_mb\":1200}");

        assertEquals(3, processes.otherCount());
        assertEquals(40213 - 30144 - 1200, processes.unattributedMb(40213));
    }

    @Test
    void hostileNamesAreDataWithinTheirBounds() {
        var process = read(",\"processes\":[{\"pid\":1,\"name\":\"<script>alert(1)</script>\",\"user\":\"a&b\"}]").listed().get(0);

        assertEquals("<script>alert(1)</script>", process.name());
        assertEquals("a&b", process.user());
    }

    @Test
    void namesTheFieldOfEveryFault() {
        assertEquals("metrics[0].processes", rejectedField(",\"processes\":{}"));
        assertEquals("metrics[0].processes", rejectedField(",\"processes\":[" + ",{\"pid\":1}".repeat(33).substring(1) + "]"));
        assertEquals("metrics[0].processes[1].pid", rejectedField(",\"processes\":[{\"pid\":1},{\"pid\":1}]"));
        assertEquals("metrics[0].processes[0].pid", rejectedField(",\"processes\":[{\"pid\":-1}]"));
        assertEquals("metrics[0].processes[0].pid", rejectedField(",\"processes\":[{\"name\":\"x\"}]"));
        assertEquals("metrics[0].processes[0].pid", rejectedField(",\"processes\":[{\"pid\":4294967296}]"));
        assertEquals("metrics[0].processes[0].name", rejectedField(",\"processes\":[{\"pid\":1,\"name\":\"a\\u0007b\"}]"));
        assertEquals("metrics[0].processes[0].name", rejectedField(",\"processes\":[{\"pid\":1,\"name\":\"a\\u202eb\"}]"));
        assertEquals("metrics[0].processes[0].name", rejectedField(",\"processes\":[{\"pid\":1,\"name\":\"" + "x".repeat(65) + "\"}]"));
        assertEquals("metrics[0].processes[0].name", rejectedField(",\"processes\":[{\"pid\":1,\"name\":\"\"}]"));
        assertEquals("metrics[0].processes[0].unit", rejectedField(",\"processes\":[{\"pid\":1,\"unit\":\"a b.service\"}]"));
        assertEquals("metrics[0].processes[0].container", rejectedField(",\"processes\":[{\"pid\":1,\"container\":\"<x>\"}]"));
        assertEquals("metrics[0].processes[0].vram_used_mb", rejectedField(",\"processes\":[{\"pid\":1,\"vram_used_mb\":81560}]"));
        assertEquals("metrics[0].processes[0].sm_percent", rejectedField(",\"processes\":[{\"pid\":1,\"sm_percent\":101}]"));
        assertEquals("metrics[0].processes[0].mem_percent", rejectedField(",\"processes\":[{\"pid\":1,\"mem_percent\":\"5\"}]"));
        assertEquals("metrics[0].processes[0].command_line",
                rejectedField(",\"processes\":[{\"pid\":1,\"command_line\":\"" + "x".repeat(1025) + "\"}]"));
        assertEquals("metrics[0].processes_other", rejectedField(",\"processes_other\":{\"count\":1}"));
        assertEquals("metrics[0].processes_other.count", rejectedField(",\"processes\":[],\"processes_other\":{\"count\":0}"));
        assertEquals("metrics[0].processes_other.vram_used_mb",
                rejectedField(",\"processes\":[],\"processes_other\":{\"count\":2,\"vram_used_mb\":-1}"));
    }

    @Test
    void theTopHolderIsTheLargestKnownProcess() {
        var processes = read(",\"processes\":[{\"pid\":5,\"vram_used_mb\":null}," + COMFY + ",{\"pid\":6,\"vram_used_mb\":10}]");

        assertEquals("python3 (PID 1234) in comfyui.service holds 30144 MiB", processes.topHolder());
        assertNull(read(",\"processes\":[{\"pid\":5}]").topHolder());
    }
}
