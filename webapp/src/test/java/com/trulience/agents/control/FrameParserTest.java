package com.trulience.agents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.trulience.metrics.entity.ComfyUiState;
import com.trulience.restarts.entity.RestartStatus;
import com.trulience.restarts.entity.StatusReport;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FrameParserTest {

    private static final Instant NOW = Instant.parse("2026-11-28T05:00:30Z");
    private static final Instant OLDEST = NOW.minus(Duration.ofDays(90));

    private static final String GPU = """
            {"gpu_index":0,"vram_used_mb":40213,"vram_total_mb":81559,"temperature_celsius":61,
             "utilization_percent":97,"power_draw_watts":512,"fan_speed_percent":null}""";

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static JsonObject metrics(String gpus, String extra) {
        return json("{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":1042,\"timestamp\":\"2026-11-28T05:00:00Z\","
                + "\"metrics\":[" + gpus + "]" + extra + "}");
    }

    private static InvalidFrame rejected(JsonObject frame) {
        return assertThrows(InvalidFrame.class, () -> FrameParser.metrics(frame, NOW, OLDEST));
    }

    @Test
    void readsTheDesignsExampleFrame() {
        var batch = FrameParser.metrics(metrics(GPU, ""), NOW, OLDEST);
        assertEquals(7, batch.workerId());
        assertEquals(1042, batch.seq());
        assertEquals(Instant.parse("2026-11-28T05:00:00Z"), batch.recordedAt());
        var gpu = batch.samples().get(0);
        assertEquals(40213, gpu.vramUsedMb());
        assertEquals(512, gpu.powerDrawWatts());
        assertNull(gpu.fanSpeedPercent());
        assertEquals(List.of(), batch.lostGpus());
    }

    @Test
    void namesTheFieldThatIsOutOfRange() {
        assertEquals("metrics[0].utilization_percent", rejected(metrics(GPU.replace("97", "101"), "")).field());
        assertEquals("metrics[0].temperature_celsius", rejected(metrics(GPU.replace(":61", ":151"), "")).field());
        assertEquals("metrics[0].temperature_celsius", rejected(metrics(GPU.replace(":61", ":-41"), "")).field());
        assertEquals("metrics[0].power_draw_watts", rejected(metrics(GPU.replace("512", "-1"), "")).field());
        assertEquals("metrics[0].vram_used_mb", rejected(metrics(GPU.replace("40213", "90000"), "")).field());
        assertEquals("metrics[1].gpu_index", rejected(metrics(GPU + "," + GPU, "")).field());
    }

    @Test
    void refusesWrongTypes() {
        var error = rejected(metrics(GPU.replace("97", "\"97\""), ""));
        assertEquals("metrics[0].utilization_percent must be an integer", error.getMessage());
        assertEquals("metrics[0].utilization_percent", rejected(metrics(GPU.replace("97", "97.5"), "")).field());
        assertEquals("metrics", rejected(json("{\"worker_id\":7,\"seq\":1,\"timestamp\":\"2026-11-28T05:00:00Z\"}")).field());
        assertEquals("seq", rejected(json("{\"worker_id\":7,\"seq\":1e40,\"timestamp\":\"2026-11-28T05:00:00Z\",\"metrics\":[]}")).field());
    }

    @Test
    void refusesMoreThan64Gpus() {
        String many = String.join(",", java.util.Collections.nCopies(65, GPU));
        assertEquals("metrics", rejected(metrics(many, "")).field());
    }

    @Test
    void storesABatchFromAFastClockAtTheReceiveTimeWithItsOffset() {
        var ahead = FrameParser.CLOCK_TOLERANCE.plusSeconds(1);
        var future = metrics(GPU, "").toString().replace("2026-11-28T05:00:00Z", NOW.plus(ahead).toString());
        var batch = FrameParser.metrics(json(future), NOW, OLDEST);
        assertEquals(NOW, batch.recordedAt());
        assertEquals(ahead.toMillis(), batch.clockOffsetMs());
        var yearAhead = metrics(GPU, "").toString().replace("2026-11-28T05:00:00Z", NOW.plus(FrameParser.MAX_CLOCK_AHEAD).toString());
        assertEquals(FrameParser.MAX_CLOCK_AHEAD.toMillis(), FrameParser.metrics(json(yearAhead), NOW, OLDEST).clockOffsetMs());
        var beyond = metrics(GPU, "").toString().replace("2026-11-28T05:00:00Z", NOW.plus(FrameParser.MAX_CLOCK_AHEAD).plusSeconds(1).toString());
        assertEquals("timestamp", rejected(json(beyond)).field(), "a wrong date, not a clock that drifted");
        var withinTolerance = metrics(GPU, "").toString().replace("2026-11-28T05:00:00Z", NOW.plus(FrameParser.CLOCK_TOLERANCE).toString());
        var kept = FrameParser.metrics(json(withinTolerance), NOW, OLDEST);
        assertEquals(NOW.plus(FrameParser.CLOCK_TOLERANCE), kept.recordedAt());
        assertEquals(null, kept.clockOffsetMs());
    }

    @Test
    void refusesTimestampsBeyondRetention() {
        var ancient = metrics(GPU, "").toString().replace("2026-11-28T05:00:00Z", OLDEST.minusSeconds(1).toString());
        assertEquals("timestamp", rejected(json(ancient)).field());
        var garbage = metrics(GPU, "").toString().replace("2026-11-28T05:00:00Z", "yesterday");
        assertEquals("timestamp", rejected(json(garbage)).field());
    }

    @Test
    void acceptsALateBatchInsideRetention() {
        var late = metrics(GPU, "").toString().replace("2026-11-28T05:00:00Z", NOW.minus(Duration.ofDays(3)).toString());
        assertEquals(NOW.minus(Duration.ofDays(3)), FrameParser.metrics(json(late), NOW, OLDEST).recordedAt());
    }

    @Test
    void readsLostGpusButNotOnesThatAlsoReportedValues() {
        assertEquals(List.of(3), FrameParser.metrics(metrics(GPU, ",\"lost_gpus\":[3]"), NOW, OLDEST).lostGpus());
        assertEquals("lost_gpus[0]", rejected(metrics(GPU, ",\"lost_gpus\":[0]")).field());
    }

    @Test
    void refusesTextBeyondTheJsonParsersLimitsAsInvalidJson() {
        for (String text : List.of("", "[1]", "[".repeat(60_000), "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000),
                "{\"seq\":1e99999999999}", "{\"seq\":" + "1".repeat(2_000) + "}")) {
            var refused = assertThrows(InvalidFrame.class, () -> FrameParser.read(text), text.substring(0, Math.min(40, text.length())));
            assertEquals("invalid_json", refused.code());
        }
    }

    @Test
    void readsTheClaimedWorkerAndTheTypeBeforeTheRest() {
        assertEquals(OptionalLong.of(7), FrameParser.claimedWorker(json("{\"worker_id\":7}")));
        assertEquals(OptionalLong.empty(), FrameParser.claimedWorker(json("{\"type\":\"restart_status\"}")));
        assertEquals(OptionalLong.of(0), FrameParser.claimedWorker(json("{\"worker_id\":1e999999999}")), "not ours, not a hang");
        assertEquals("worker_id", assertThrows(InvalidFrame.class, () -> FrameParser.claimedWorker(json("{\"worker_id\":\"7\"}"))).field());
        assertEquals("gpu_metrics", FrameParser.type(json("{\"type\":\"gpu_metrics\"}")));
        var unknown = assertThrows(InvalidFrame.class, () -> FrameParser.type(json("{\"type\":\"shutdown\"}")));
        assertEquals("unknown_type", unknown.code());
        assertEquals("type", unknown.field());
    }

    @Test
    void readsAHelloWithDefaultsAndRefusesUnsafeServiceNames() {
        var hello = FrameParser.hello(json("""
                {"type":"hello","worker_id":7,"hostname":"gpu-07","agent_version":"1.0.0","driver_version":"550.54.15",
                 "gpus":[{"gpu_index":0,"name":"NVIDIA H100 80GB HBM3","uuid":"GPU-1","power_limit_watts":700}],
                 "services":["comfyui"]}"""));
        assertEquals("gpu-07", hello.hostname());
        assertEquals(FrameParser.DEFAULT_INTERVAL_SECONDS, hello.intervalSeconds());
        assertEquals(700, hello.gpus().get(0).powerLimitWatts());
        assertEquals(List.of("comfyui"), hello.services());

        var shell = assertThrows(InvalidFrame.class, () -> FrameParser.hello(json("""
                {"worker_id":7,"hostname":"gpu-07","agent_version":"1.0.0","services":["comfyui; reboot"]}""")));
        assertEquals("services[0]", shell.field());
        var host = assertThrows(InvalidFrame.class, () -> FrameParser.hello(json("""
                {"worker_id":7,"hostname":"<script>","agent_version":"1.0.0"}""")));
        assertEquals("hostname", host.field());
    }

    @Test
    void readsARestartStatusAndNamesTheFieldOfEveryFault() {
        assertEquals(new StatusReport(42, RestartStatus.STOPPING, null),
                FrameParser.restartStatus(json("{\"type\":\"restart_status\",\"restart_id\":42,\"status\":\"stopping\",\"error_message\":null}")));
        assertEquals(new StatusReport(42, RestartStatus.FAILED, "Access denied"),
                FrameParser.restartStatus(json("{\"restart_id\":42,\"status\":\"failed\",\"error_message\":\"Access denied\"}")));
        assertEquals(new StatusReport(42, RestartStatus.COMPLETED, null),
                FrameParser.restartStatus(json("{\"restart_id\":42,\"status\":\"completed\",\"error_message\":\"dropped\"}")));
        for (var bad : List.of(
                List.of("restart_id", "{\"status\":\"stopping\"}"),
                List.of("restart_id", "{\"restart_id\":0,\"status\":\"stopping\"}"),
                List.of("restart_id", "{\"restart_id\":\"42\",\"status\":\"stopping\"}"),
                List.of("status", "{\"restart_id\":42,\"status\":\"initiated\"}"),
                List.of("status", "{\"restart_id\":42,\"status\":\"rebooting\"}"),
                List.of("error_message", "{\"restart_id\":42,\"status\":\"failed\"}"),
                List.of("error_message", "{\"restart_id\":42,\"status\":\"failed\",\"error_message\":\"a\\nb\"}"),
                List.of("error_message", "{\"restart_id\":42,\"status\":\"failed\",\"error_message\":\"" + "x".repeat(1001) + "\"}"))) {
            var invalid = assertThrows(InvalidFrame.class, () -> FrameParser.restartStatus(json(bad.get(1))), bad.get(1));
            assertEquals(bad.get(0), invalid.field(), bad.get(1));
        }
    }

    @Test
    void readsTheHealthFieldsAndTheCardLimitsAndNamesTheFieldOfEveryFault() {
        var batch = FrameParser.metrics(metrics(GPU.replace("}", ",\"sm_clock_mhz\":1410,\"memory_temperature_celsius\":71,"
                + "\"throttle_reasons\":[\"sw_power_cap\",\"hw_thermal_slowdown\"],\"ecc_uncorrected_volatile\":2,"
                + "\"remapped_rows_pending\":true,\"remapped_rows_failure\":false,\"pcie_replay_count\":9}"), ""), NOW, OLDEST);
        var health = batch.samples().get(0).health();
        assertEquals(new com.trulience.metrics.entity.GpuHealth(1410, 71, 1 | 8, 2L, true, false, 9L), health);
        assertEquals(com.trulience.metrics.entity.GpuHealth.NONE, FrameParser.metrics(metrics(GPU, ""), NOW, OLDEST).samples().get(0).health());
        assertEquals(0, FrameParser.metrics(metrics(GPU.replace("}", ",\"throttle_reasons\":[]}"), ""), NOW, OLDEST)
                .samples().get(0).health().throttleReasons());
        for (var bad : List.of(
                List.of("\"throttle_reasons\":[\"idle\"]", "metrics[0].throttle_reasons[0]"),
                List.of("\"throttle_reasons\":\"sw_power_cap\"", "metrics[0].throttle_reasons"),
                List.of("\"throttle_reasons\":[\"sw_power_cap\",\"hw_slowdown\",\"sw_thermal_slowdown\",\"hw_thermal_slowdown\","
                        + "\"hw_power_brake_slowdown\",\"sw_power_cap\"]", "metrics[0].throttle_reasons"),
                List.of("\"remapped_rows_failure\":1", "metrics[0].remapped_rows_failure"),
                List.of("\"ecc_uncorrected_volatile\":-1", "metrics[0].ecc_uncorrected_volatile"),
                List.of("\"memory_temperature_celsius\":151", "metrics[0].memory_temperature_celsius"))) {
            assertEquals(bad.get(1), rejected(metrics(GPU.replace("}", "," + bad.get(0) + "}"), "")).field(), bad.get(0));
        }
        var hello = FrameParser.hello(json("""
                {"type":"hello","worker_id":7,"hostname":"gpu-07","agent_version":"1.0.0","gpus":[{"gpu_index":0,"name":"H100",
                 "slowdown_temperature_celsius":87,"shutdown_temperature_celsius":92,"max_sm_clock_mhz":1980,
                 "enforced_power_limit_watts":700},{"gpu_index":1,"name":"T4"}]}"""));
        assertEquals(new com.trulience.workers.entity.CardLimits(87, 92, 1980, 700), hello.gpus().get(0).limits());
        assertEquals(com.trulience.workers.entity.CardLimits.NONE, hello.gpus().get(1).limits());
    }

    @Test
    void readsAGpuEventAndNamesTheFieldOfEveryFault() {
        var event = FrameParser.event(7, json("""
                {"type":"gpu_event","seq":12,"timestamp":"2026-11-28T05:00:00.123Z","gpu_index":1,"uuid":"GPU-b","kind":"xid","xid":79}"""),
                NOW, OLDEST);
        assertEquals(new com.trulience.metrics.entity.GpuEvent(7, 12, 1, "GPU-b", com.trulience.metrics.entity.GpuEvent.Kind.XID, 79,
                Instant.parse("2026-11-28T05:00:00.123Z")), event);
        String frame = "{\"type\":\"gpu_event\",\"seq\":12,\"timestamp\":\"%s\",\"gpu_index\":%s,\"kind\":\"%s\",\"xid\":%s}";
        for (var bad : List.of(
                List.of(frame.formatted("2026-11-28T05:00:00Z", "1", "xid", "null"), "xid"),
                List.of(frame.formatted("2026-11-28T05:00:00Z", "1", "gpu_lost", "79"), "xid"),
                List.of(frame.formatted("2026-11-28T05:00:00Z", "1", "meltdown", "null"), "kind"),
                List.of(frame.formatted("2026-11-28T05:00:00Z", "\"1\"", "gpu_lost", "null"), "gpu_index"),
                List.of(frame.formatted("2026-08-01T05:00:00Z", "1", "gpu_lost", "null"), "timestamp"),
                List.of(frame.formatted("2028-01-01T00:00:00Z", "1", "gpu_lost", "null"), "timestamp"))) {
            var refused = assertThrows(InvalidFrame.class, () -> FrameParser.event(7, json(bad.get(0)), NOW, OLDEST), bad.get(0));
            assertEquals(bad.get(1), refused.field(), bad.get(0));
        }
    }

    @Test
    void readsTheComfyUiObjectReachableOrNotAndWithoutIt() {
        assertNull(FrameParser.metrics(metrics(GPU, ""), NOW, OLDEST).comfyui(), "no COMFYUI_URL: not watched");
        assertNull(FrameParser.metrics(metrics(GPU, ",\"comfyui\":null"), NOW, OLDEST).comfyui());
        var busy = FrameParser.metrics(metrics(GPU, """
                ,"comfyui":{"reachable":true,"version":"0.3.40","jobs_running":1,"jobs_pending":2,
                 "running_prompt_id":"5c1f-9a:b.c_d","devices":[{"index":0,"torch_vram_total_mb":20480,"torch_vram_free_mb":1024}]}"""),
                NOW, OLDEST).comfyui();
        assertEquals(new ComfyUiState(true, "0.3.40", 1, 2, "5c1f-9a:b.c_d", List.of(new ComfyUiState.Device(0, 20480, 1024))), busy);
        assertFalse(busy.idle());
        var idle = FrameParser.metrics(metrics(GPU, """
                ,"comfyui":{"reachable":true,"version":null,"jobs_running":0,"jobs_pending":0,"running_prompt_id":null,"devices":null}"""),
                NOW, OLDEST).comfyui();
        assertTrue(idle.idle());
        assertEquals(List.of(), idle.devices());
        var down = FrameParser.metrics(metrics(GPU, ",\"comfyui\":{\"reachable\":false,\"version\":null}"), NOW, OLDEST).comfyui();
        assertEquals(ComfyUiState.UNREACHABLE, down);
        assertFalse(down.idle());
    }

    @Test
    void namesTheComfyUiFieldOfEveryFault() {
        String ok = "\"reachable\":true,\"jobs_running\":0,\"jobs_pending\":0";
        for (var bad : List.of(
                List.of("comfyui", "\"comfyui\":true"),
                List.of("comfyui.reachable", "\"comfyui\":{}"),
                List.of("comfyui.reachable", "\"comfyui\":{\"reachable\":\"yes\"}"),
                List.of("comfyui.jobs_running", "\"comfyui\":{\"reachable\":false,\"jobs_running\":0}"),
                List.of("comfyui.version", "\"comfyui\":{\"reachable\":false,\"version\":\"0.3\"}"),
                List.of("comfyui.devices", "\"comfyui\":{\"reachable\":false,\"devices\":[]}"),
                List.of("comfyui.jobs_running", "\"comfyui\":{\"reachable\":true,\"jobs_pending\":0}"),
                List.of("comfyui.jobs_pending", "\"comfyui\":{\"reachable\":true,\"jobs_running\":0}"),
                List.of("comfyui.jobs_pending", "\"comfyui\":{\"reachable\":true,\"jobs_running\":0,\"jobs_pending\":100001}"),
                List.of("comfyui.jobs_running", "\"comfyui\":{\"reachable\":true,\"jobs_running\":-1,\"jobs_pending\":0}"),
                List.of("comfyui.version", "\"comfyui\":{" + ok + ",\"version\":\"\"}"),
                List.of("comfyui.version", "\"comfyui\":{" + ok + ",\"version\":\"" + "v".repeat(65) + "\"}"),
                List.of("comfyui.version", "\"comfyui\":{" + ok + ",\"version\":\"0.3\\u0007\"}"),
                List.of("comfyui.version", "\"comfyui\":{" + ok + ",\"version\":\"0.3\\u200e\"}"),
                List.of("comfyui.running_prompt_id", "\"comfyui\":{" + ok + ",\"running_prompt_id\":\"a b\"}"),
                List.of("comfyui.running_prompt_id", "\"comfyui\":{" + ok + ",\"running_prompt_id\":\"" + "a".repeat(129) + "\"}"),
                List.of("comfyui.devices", "\"comfyui\":{" + ok + ",\"devices\":{}}"),
                List.of("comfyui.devices[0].index", "\"comfyui\":{" + ok + ",\"devices\":[{}]}"),
                List.of("comfyui.devices[0].index", "\"comfyui\":{" + ok + ",\"devices\":[{\"index\":64}]}"),
                List.of("comfyui.devices[1].index", "\"comfyui\":{" + ok + ",\"devices\":[{\"index\":0},{\"index\":0}]}"),
                List.of("comfyui.devices[0].torch_vram_total_mb",
                        "\"comfyui\":{" + ok + ",\"devices\":[{\"index\":0,\"torch_vram_total_mb\":10000001}]}"),
                List.of("comfyui.devices[0].torch_vram_free_mb",
                        "\"comfyui\":{" + ok + ",\"devices\":[{\"index\":0,\"torch_vram_total_mb\":10,\"torch_vram_free_mb\":11}]}"))) {
            var invalid = rejected(metrics(GPU, "," + bad.get(1)));
            assertEquals(bad.get(0), invalid.field(), bad.get(1));
        }
        var tooMany = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"index\":").append(i % 64).append('}');
        }
        assertEquals("comfyui.devices", rejected(metrics(GPU, ",\"comfyui\":{" + ok + ",\"devices\":[" + tooMany + "]}")).field());
    }

    @Test
    void readsAnActionStatusAndNamesTheFieldOfEveryFault() {
        assertEquals("action_status", FrameParser.type(json("{\"type\":\"action_status\"}")));
        assertEquals(new StatusReport(42, RestartStatus.RUNNING, null, null, null), FrameParser.actionStatus(json(
                "{\"type\":\"action_status\",\"action_id\":42,\"status\":\"running\",\"error_message\":null,"
                        + "\"vram_before_mb\":null,\"vram_after_mb\":null}")));
        assertEquals(new StatusReport(42, RestartStatus.COMPLETED, null, 20480, 1100), FrameParser.actionStatus(json(
                "{\"action_id\":42,\"status\":\"completed\",\"vram_before_mb\":20480,\"vram_after_mb\":1100}")));
        assertEquals(new StatusReport(42, RestartStatus.FAILED, "VRAM did not fall", 20480, 20400), FrameParser.actionStatus(json(
                "{\"action_id\":42,\"status\":\"failed\",\"error_message\":\"VRAM did not fall\",\"vram_before_mb\":20480,\"vram_after_mb\":20400}")));
        for (var bad : List.of(
                List.of("action_id", "{\"status\":\"running\"}"),
                List.of("action_id", "{\"restart_id\":42,\"status\":\"running\"}"),
                List.of("action_id", "{\"action_id\":0,\"status\":\"running\"}"),
                List.of("status", "{\"action_id\":42}"),
                List.of("status", "{\"action_id\":42,\"status\":\"initiated\"}"),
                List.of("status", "{\"action_id\":42,\"status\":\"stopping\"}"),
                List.of("error_message", "{\"action_id\":42,\"status\":\"failed\"}"),
                List.of("error_message", "{\"action_id\":42,\"status\":\"failed\",\"error_message\":\"a\\tb\"}"),
                List.of("error_message", "{\"action_id\":42,\"status\":\"failed\",\"error_message\":\"" + "x".repeat(1001) + "\"}"),
                List.of("vram_before_mb", "{\"action_id\":42,\"status\":\"completed\",\"vram_before_mb\":-1}"),
                List.of("vram_after_mb", "{\"action_id\":42,\"status\":\"completed\",\"vram_after_mb\":100000001}"),
                List.of("vram_after_mb", "{\"action_id\":42,\"status\":\"completed\",\"vram_after_mb\":\"1100\"}"))) {
            var invalid = assertThrows(InvalidFrame.class, () -> FrameParser.actionStatus(json(bad.get(1))), bad.get(1));
            assertEquals(bad.get(0), invalid.field(), bad.get(1));
        }
    }
}
