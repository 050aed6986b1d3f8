package com.trulience.agents.control;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.metrics.entity.GpuEvent;
import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.restarts.entity.RestartStatus;
import com.trulience.restarts.entity.StatusReport;
import com.trulience.workers.entity.Announcement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of what the agent socket does with a frame's text before any I/O (AgentProtocol: read, the
 * claimed worker, the type, then the type's parser). Property: every input parses to a frame that keeps the
 * protocol's rules or is refused with an {@link InvalidFrame} carrying a code and a message; never another exception,
 * never a slow input. Runs {@code -Dfuzz.seconds} (3 by default); {@code -Dfuzz.seed} replays a run.
 */
class FrameParserFuzzTest {

    private static final Instant NOW = Instant.parse("2026-11-28T05:00:30Z");
    private static final Instant OLDEST = NOW.minus(Duration.ofDays(90));
    private static final Duration SLOW = Duration.ofSeconds(1);
    private static final Set<String> CODES = Set.of("invalid_json", "unknown_type", "invalid_payload");
    private static final List<String> SEEDS = List.of(
            """
            {"type":"hello","worker_id":7,"hostname":"gpu-07","agent_version":"1.0.0","driver_version":"550.54.15",
             "metrics_interval_secs":5,"gpus":[{"gpu_index":0,"name":"NVIDIA H100 80GB HBM3","uuid":"GPU-1","power_limit_watts":700},
             {"gpu_index":1,"name":"NVIDIA H100 80GB HBM3","uuid":"GPU-2","power_limit_watts":700}],"services":["comfyui","comfyui@2"]}""",
            """
            {"type":"gpu_metrics","worker_id":7,"seq":1042,"timestamp":"2026-11-28T05:00:00Z",
             "metrics":[{"gpu_index":0,"vram_used_mb":40213,"vram_total_mb":81559,"temperature_celsius":61,
             "utilization_percent":97,"power_draw_watts":512,"fan_speed_percent":null},
             {"gpu_index":1,"vram_used_mb":1024,"vram_total_mb":81559,"temperature_celsius":40,
             "utilization_percent":0,"power_draw_watts":80,"fan_speed_percent":30}],"lost_gpus":[3]}""",
            """
            {"type":"gpu_metrics","worker_id":7,"seq":1043,"timestamp":"2026-11-28T05:00:05Z",
             "metrics":[{"gpu_index":0,"vram_used_mb":40213,"vram_total_mb":81559,"temperature_celsius":61,
             "utilization_percent":97,"sm_clock_mhz":1410,"memory_temperature_celsius":70,
             "throttle_reasons":["sw_power_cap","hw_thermal_slowdown"],"ecc_uncorrected_volatile":0,
             "remapped_rows_pending":false,"remapped_rows_failure":false,"pcie_replay_count":3}]}""",
            """
            {"type":"gpu_event","seq":1044,"timestamp":"2026-11-28T05:00:06.120Z","gpu_index":1,"uuid":"GPU-2","kind":"xid","xid":79}""",
            """
            {"type":"restart_status","restart_id":42,"status":"stopping","error_message":null}""",
            """
            {"type":"restart_status","restart_id":42,"status":"failed","error_message":"systemctl restart failed (exit 4)"}""");

    private record Tally(long inputs, long parsed) {
    }

    @Test
    void everyMutatedFrameParsesToAValidFrameOrIsRefusedWithACode() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        var budget = Duration.ofSeconds(Long.getLong("fuzz.seconds", 3));
        long started = System.nanoTime();
        var tally = assertTimeoutPreemptively(budget.plusSeconds(30), () -> fuzz(seed, budget),
                () -> "an input hangs the parser; reproduce with -Dfuzz.seed=" + seed);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("FrameParserFuzzTest: %,d inputs in %.1f s (%,.0f/s), %,d parsed as valid frames, seed %d%n",
                tally.inputs(), seconds, tally.inputs() / seconds, tally.parsed(), seed);
        // A generator that only makes garbage would never reach the field checks.
        assertTrue(tally.parsed() > tally.inputs() / 100, "too few valid frames to mean anything: " + tally);
    }

    private static Tally fuzz(long seed, Duration budget) {
        var mutator = new FrameMutator(new Random(seed), SEEDS);
        long deadline = System.nanoTime() + budget.toNanos();
        long inputs = 0;
        long parsed = 0;
        while (System.nanoTime() < deadline) {
            String text = mutator.next();
            long start = System.nanoTime();
            try {
                parsed += check(text) ? 1 : 0;
            } catch (Throwable wrong) {
                throw new AssertionError("input #" + inputs + " of seed " + seed + " (-Dfuzz.seed=" + seed + "): " + shown(text), wrong);
            }
            if (System.nanoTime() - start > SLOW.toNanos()) {
                throw new AssertionError("input #" + inputs + " of seed " + seed + " took over " + SLOW + ": " + shown(text));
            }
            inputs++;
        }
        return new Tally(inputs, parsed);
    }

    /** True when the text is a valid frame, false when it is refused as the protocol says. */
    private static boolean check(String text) {
        try {
            var json = FrameParser.read(text);
            FrameParser.claimedWorker(json);
            switch (FrameParser.type(json)) {
                case "hello" -> valid(FrameParser.hello(json));
                case "gpu_metrics" -> valid(FrameParser.metrics(json, NOW, OLDEST));
                case "gpu_event" -> valid(FrameParser.event(7, json, NOW, OLDEST));
                default -> valid(FrameParser.restartStatus(json));
            }
            return true;
        } catch (InvalidFrame refused) {
            if (!CODES.contains(refused.code()) || refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new AssertionError("refused without a proper code or message: " + refused.code(), refused);
            }
            return false;
        }
    }

    private static void valid(Announcement hello) {
        var indexes = new HashSet<Short>();
        hello.gpus().forEach(gpu -> require(indexes.add(gpu.gpuIndex()) && gpu.gpuIndex() >= 0 && gpu.gpuIndex() < FrameParser.MAX_GPUS,
                "GPU index " + gpu.gpuIndex()));
        require(hello.workerId() > 0 && hello.intervalSeconds() >= 1 && hello.intervalSeconds() <= 3600, hello.toString());
        require(hello.hostname().matches("[A-Za-z0-9][A-Za-z0-9.-]{0,252}"), hello.hostname());
        hello.services().forEach(service -> require(service.matches("[A-Za-z0-9@._-]{1,64}"), service));
        require(new HashSet<>(hello.services()).size() == hello.services().size(), "repeated services");
    }

    private static void valid(GpuEvent event) {
        require(event.seq() >= 0 && event.gpuIndex() >= 0 && event.gpuIndex() < FrameParser.MAX_GPUS
                && (event.kind() == GpuEvent.Kind.XID) == (event.xid() != null), event.toString());
        require(!event.occurredAt().isBefore(OLDEST) && !event.occurredAt().isAfter(NOW.plus(FrameParser.MAX_CLOCK_AHEAD)),
                event.occurredAt().toString());
    }

    private static void valid(MetricsBatch batch) {
        require(batch.workerId() > 0 && batch.seq() >= 0, batch.toString());
        require(!batch.recordedAt().isBefore(OLDEST) && !batch.recordedAt().isAfter(NOW.plus(FrameParser.CLOCK_TOLERANCE)),
                batch.recordedAt().toString());
        require(batch.samples().size() <= FrameParser.MAX_GPUS, "too many GPUs");
        for (var gpu : batch.samples()) {
            require(gpu.vramUsedMb() >= 0 && gpu.vramUsedMb() <= gpu.vramTotalMb(), gpu.toString());
            require(gpu.utilizationPercent() >= 0 && gpu.utilizationPercent() <= 100, gpu.toString());
            require(gpu.temperatureCelsius() >= -40 && gpu.temperatureCelsius() <= 150, gpu.toString());
        }
    }

    private static void valid(StatusReport status) {
        require(status.restartId() > 0, status.toString());
        require(status.status() != RestartStatus.FAILED || status.errorMessage() != null, status.toString());
    }

    private static void require(boolean rule, String what) {
        if (!rule) {
            throw new AssertionError("parsed, but breaks the protocol: " + what);
        }
    }

    private static String shown(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "... (" + text.length() + " chars)" : text;
    }
}
