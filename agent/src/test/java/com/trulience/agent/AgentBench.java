package com.trulience.agent;

import com.trulience.agent.collect.Gpus;
import com.trulience.agent.collect.MetricsPayload;
import com.trulience.agent.collect.Sample;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Not a test: the cost of one whole collection (8 GPUs through JNA + the JSON frame) against
 * the fake library, run by scripts/bench-agent, first without processes, then with 16 processes
 * on each GPU (real PIDs of this machine, so that their /proc facts are really read, each with a
 * utilization sample). Warm-up first, then every collection is timed on its own and the median reported.
 */
public final class AgentBench {

    private static final int GPUS = 8;
    private static final int PROCESSES_PER_GPU = 16;
    private static final int COLD = 100;
    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 50_000;

    private AgentBench() {
    }

    public static void main(String[] args) {
        Logger.getLogger("").setLevel(Level.WARNING);
        var fake = FakeNvml.complete();
        fake.script("count " + GPUS);
        System.out.println("-- without processes");
        measure(fake);
        fake.script(withProcesses());
        System.out.println("-- with " + PROCESSES_PER_GPU + " processes per GPU (" + GPUS * PROCESSES_PER_GPU
                + " real PIDs, /proc facts cached as in service)");
        measure(fake);
    }

    /** 16 distinct live PIDs per GPU, taken from this machine's processes. */
    private static String[] withProcesses() {
        long[] pids = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).limit(GPUS * PROCESSES_PER_GPU).toArray();
        if (pids.length < PROCESSES_PER_GPU) {
            throw new IllegalStateException("fewer than " + PROCESSES_PER_GPU + " processes on this machine");
        }
        var lines = new java.util.ArrayList<String>();
        lines.add("count " + GPUS);
        for (int gpu = 0; gpu < GPUS; gpu++) {
            lines.add("gpu " + gpu + " utilization_timestamp 0");
            for (int i = 0; i < PROCESSES_PER_GPU; i++) {
                long pid = pids[(gpu * PROCESSES_PER_GPU + i) % pids.length];
                lines.add("gpu " + gpu + " process " + pid + " " + (i + 1) * 512L * 1024 * 1024);
                lines.add("gpu " + gpu + " process_utilization " + pid + " " + (5 * i) % 101 + " " + (3 * i) % 101);
            }
        }
        return lines.toArray(String[]::new);
    }

    private static void measure(FakeNvml fake) {
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
