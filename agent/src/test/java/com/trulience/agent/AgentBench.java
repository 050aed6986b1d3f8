package com.trulience.agent;

import com.trulience.agent.collect.Gpus;
import com.trulience.agent.collect.MetricsPayload;
import com.trulience.agent.collect.Sample;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Not a test: the cost of one whole collection (8 GPUs through JNA + the JSON frame) against
 * the fake library, run by scripts/bench-agent. Warm-up first, then every collection is timed
 * on its own and the median reported.
 */
public final class AgentBench {

    private static final int GPUS = 8;
    private static final int COLD = 100;
    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 50_000;

    private AgentBench() {
    }

    public static void main(String[] args) {
        Logger.getLogger("").setLevel(Level.WARNING);
        var fake = FakeNvml.complete();
        fake.script("count " + GPUS);
        long sink = 0;
        try (Gpus gpus = Gpus.open(fake.path())) {
            // What a freshly started service pays: at one collection per interval, its first
            // collections run mostly interpreted.
            long[] cold = new long[COLD];
            for (int i = 0; i < COLD; i++) {
                long start = System.nanoTime();
                sink += MetricsPayload.json(7, i, gpus.sample()).length();
                cold[i] = System.nanoTime() - start;
            }
            System.out.printf("cold: first collection %.1f us, median of the first %d %.1f us%n",
                    cold[0] / 1000.0, COLD, micros(cold, 0.5));
            for (int i = 0; i < WARM_UP; i++) {
                sink += MetricsPayload.json(7, i, gpus.sample()).length();
            }
            long[] whole = new long[MEASURED];
            long[] sampleOnly = new long[MEASURED];
            for (int i = 0; i < MEASURED; i++) {
                long start = System.nanoTime();
                Sample sample = gpus.sample();
                long sampled = System.nanoTime();
                sink += MetricsPayload.json(7, i, sample).length();
                long end = System.nanoTime();
                whole[i] = end - start;
                sampleOnly[i] = sampled - start;
            }
            System.out.printf("warm: collection of %d GPUs + JSON: median %.1f us, p90 %.1f us, p99 %.1f us"
                            + " (NVML reads alone: median %.1f us; %d timed after %d warm-up)%n",
                    GPUS, micros(whole, 0.5), micros(whole, 0.9), micros(whole, 0.99), micros(sampleOnly, 0.5),
                    MEASURED, WARM_UP);
        }
        if (sink == 42) {
            System.out.println();
        }
    }

    private static double micros(long[] nanos, double quantile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)))] / 1000.0;
    }
}
