package com.trulience.alerts.boundary;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.metrics.entity.Metric;
import com.trulience.workers.entity.CardLimits;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * In-process cost of the current API's body for 1,000 workers x 8 GPUs (not a test): every worker written anew
 * (what each request cost before the snapshot's entries were kept as written, and what a request costs for the
 * workers that changed since the last one), and all of them kept. Run:
 * {@code java -cp "$BENCH_CLASSPATH" com.trulience.alerts.boundary.CurrentJsonBench}.
 */
public final class CurrentJsonBench {

    public static void main(String[] args) throws Exception {
        var now = Instant.now();
        var thresholds = new EffectiveThresholds(List.of(new MetricThreshold(null, Metric.TEMPERATURE_CELSIUS, 70, 85, true),
                new MetricThreshold(null, Metric.VRAM_USED_PERCENT, 85, 95, true)));
        var fleet = fleet(now);
        var sink = OutputStream.nullOutputStream();
        int rounds = 60;
        long[] fresh = new long[rounds];
        long[] kept = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            var json = new CurrentFleetJson();
            long start = System.nanoTime();
            json.write(fleet, thresholds, now, sink);
            fresh[round] = System.nanoTime() - start;
            start = System.nanoTime();
            json.write(fleet, thresholds, now, sink);
            kept[round] = System.nanoTime() - start;
        }
        System.out.printf("current JSON, 1,000 workers x 8 GPUs: every worker written %s; all kept %s%n", summary(fresh), summary(kept));
    }

    private static List<WorkerNow> fleet(Instant now) {
        var workers = new ArrayList<WorkerNow>();
        for (int w = 1; w <= 1_000; w++) {
            var gpus = new ArrayList<GpuNow>();
            for (int g = 0; g < 8; g++) {
                gpus.add(new GpuNow(g, "NVIDIA H100 80GB HBM3", 700, now, 40_000 + g, 81_559, 60, 90, 500, 40, "GPU-" + w + "-" + g,
                        GpuHealth.NONE, CardLimits.NONE, null));
            }
            workers.add(new WorkerNow(w, "q-" + w, "q-" + w, true, now, null, gpus));
        }
        return workers;
    }

    private static String summary(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return "min %.1f ms, median %.1f ms, p95 %.1f ms".formatted(sorted[0] / 1e6, sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.ceil(sorted.length * 0.95) - 1] / 1e6);
    }
}
