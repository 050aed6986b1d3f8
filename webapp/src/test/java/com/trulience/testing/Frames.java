package com.trulience.testing;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The frames an agent sends (hello, gpu_metrics, restart_status) as the tests' agents write them. The defaults are
 * a worker's two H100s of 700 W; a test names only what it is about.
 */
public final class Frames {

    /** GPU 0 at work: 49.3 % of its VRAM, 61 °C, 512 of 700 W. */
    public static final Gpu BUSY = new Gpu(0, 40213, 81559, 61, 50, 512, 30);
    /** GPU 1 idle, without a fan reading. */
    public static final Gpu IDLE = new Gpu(1, 1024, 81559, 40, 0, 80, null);

    private Frames() {
    }

    /** One GPU's sample in a batch; null power or fan is a reading the GPU does not have. */
    public record Gpu(int index, int vramUsedMb, int vramTotalMb, int temperatureCelsius, int utilizationPercent,
                      Integer powerDrawWatts, Integer fanSpeedPercent) {

        public Gpu at(int gpuIndex) {
            return new Gpu(gpuIndex, vramUsedMb, vramTotalMb, temperatureCelsius, utilizationPercent, powerDrawWatts, fanSpeedPercent);
        }

        public Gpu temperature(int celsius) {
            return new Gpu(index, vramUsedMb, vramTotalMb, celsius, utilizationPercent, powerDrawWatts, fanSpeedPercent);
        }

        public Gpu utilization(int percent) {
            return new Gpu(index, vramUsedMb, vramTotalMb, temperatureCelsius, percent, powerDrawWatts, fanSpeedPercent);
        }

        JsonObjectBuilder json() {
            var json = Json.createObjectBuilder().add("gpu_index", index).add("vram_used_mb", vramUsedMb)
                    .add("vram_total_mb", vramTotalMb).add("temperature_celsius", temperatureCelsius)
                    .add("utilization_percent", utilizationPercent);
            nullable(json, "power_draw_watts", powerDrawWatts);
            nullable(json, "fan_speed_percent", fanSpeedPercent);
            return json;
        }
    }

    public static String metrics(long workerId, long seq, Instant taken, Gpu... gpus) {
        return metrics(workerId, seq, taken, Arrays.asList(gpus), List.of());
    }

    /** A batch taken at {@code taken} (to the second), naming the GPUs the agent lost since its hello, if any. */
    public static String metrics(long workerId, long seq, Instant taken, List<Gpu> gpus, List<Integer> lostGpus) {
        var samples = Json.createArrayBuilder();
        gpus.forEach(gpu -> samples.add(gpu.json()));
        var json = Json.createObjectBuilder().add("type", "gpu_metrics").add("worker_id", workerId).add("seq", seq)
                .add("timestamp", taken.truncatedTo(ChronoUnit.SECONDS).toString()).add("metrics", samples);
        if (!lostGpus.isEmpty()) {
            var lost = Json.createArrayBuilder();
            lostGpus.forEach(lost::add);
            json.add("lost_gpus", lost);
        }
        return json.build().toString();
    }

    /** {@link #BUSY} as GPU 0 and {@code count - 1} {@link #IDLE} GPUs after it. */
    public static List<Gpu> gpus(int count) {
        var gpus = new ArrayList<Gpu>();
        for (int index = 0; index < count; index++) {
            gpus.add(index == 0 ? BUSY : IDLE.at(index));
        }
        return gpus;
    }

    /**
     * A hello of host gpu-host-{id}, agent 1.0.0, driver 550.54.15: {@code gpus} H100s of 700 W (GPU-a, GPU-b, ...) and
     * the services the agent may restart.
     */
    public static String hello(long workerId, int intervalSeconds, int gpus, String... services) {
        var gpuList = Json.createArrayBuilder();
        for (int index = 0; index < gpus; index++) {
            gpuList.add(Json.createObjectBuilder().add("gpu_index", index).add("name", "NVIDIA H100 80GB HBM3")
                    .add("uuid", "GPU-" + (char) ('a' + index)).add("power_limit_watts", 700));
        }
        var serviceList = Json.createArrayBuilder();
        List.of(services).forEach(serviceList::add);
        return Json.createObjectBuilder().add("type", "hello").add("worker_id", workerId).add("hostname", "gpu-host-" + workerId)
                .add("agent_version", "1.0.0").add("driver_version", "550.54.15").add("metrics_interval_secs", intervalSeconds)
                .add("gpus", gpuList).add("services", serviceList).build().toString();
    }

    /** A restart's progress as the agent reports it; {@code error} null but for a failure. */
    public static String restartStatus(long restartId, String status, String error) {
        var json = Json.createObjectBuilder().add("type", "restart_status").add("restart_id", restartId).add("status", status);
        return (error == null ? json.addNull("error_message") : json.add("error_message", error)).build().toString();
    }

    private static void nullable(JsonObjectBuilder json, String name, Integer value) {
        if (value == null) {
            json.addNull(name);
        } else {
            json.add(name, value);
        }
    }
}
