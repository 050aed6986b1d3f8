package com.trulience.prometheus.control;

import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.prometheus.control.XidCounts.XidCount;
import com.trulience.workers.entity.CardLimits;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * In-process cost of one scrape's body for 1,000 workers x 8 GPUs with throttle reasons (not a test): the snapshots
 * built from the fleet, and written as OpenMetrics and as text 0.0.4 to a null stream. Every worker has a new sample
 * (a new snapshot entry) in every round, as between two scrapes of a real fleet: agents report every 5 s, Prometheus
 * scrapes every 5 to 15 s, so nothing built from one scrape's entries could serve the next. Run:
 * {@code java -cp "$BENCH_CLASSPATH" com.trulience.prometheus.control.FleetExpositionBench [rounds] [--gzip]};
 * {@code --gzip} also times the OpenMetrics body through gzip (what {@code Accept-Encoding: gzip} would cost).
 */
public final class FleetExpositionBench {

    private static final int WORKERS = 1_000;
    /** As the servlet keeps them. */
    private static final SeriesLabels LABELS = new SeriesLabels();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        boolean gzip = args.length > 1 && args[1].equals("--gzip");
        var now = Instant.now();
        var fleet = new ArrayList<WorkerNow>();
        for (int w = 1; w <= WORKERS; w++) {
            fleet.add(worker(w, now, 60));
        }
        var xids = new HashMap<Long, List<XidCount>>();
        for (long w = 1; w <= WORKERS; w += 50) {
            xids.put(w, List.of(new XidCount(3, 79, 1, now), new XidCount(3, 13, 4, now)));
        }
        var openMetrics = OpenMetricsTextFormatWriter.builder().setCreatedTimestampsEnabled(true).build();
        var text = PrometheusTextFormatWriter.create();
        var sink = OutputStream.nullOutputStream();
        long[] build = new long[rounds];
        long[] writeOpenMetrics = new long[rounds];
        long[] writeText = new long[rounds];
        long[] gzipDefault = new long[rounds];
        long[] gzipFastest = new long[rounds];
        var plain = new CountingStream();
        var zipped = new CountingStream();
        for (int round = 0; round < rounds; round++) {
            for (int w = 0; w < WORKERS; w++) {
                fleet.set(w, worker(w + 1, now, 60 + round % 20));
            }
            long start = System.nanoTime();
            MetricSnapshots snapshots = snapshots(fleet, xids, now);
            build[round] = System.nanoTime() - start;
            start = System.nanoTime();
            openMetrics.write(sink, snapshots);
            writeOpenMetrics[round] = System.nanoTime() - start;
            start = System.nanoTime();
            text.write(sink, snapshots);
            writeText[round] = System.nanoTime() - start;
            if (gzip) {
                plain.bytes = 0;
                openMetrics.write(plain, snapshots);
                zipped.bytes = 0;
                start = System.nanoTime();
                try (var out = new GZIPOutputStream(zipped, 64 * 1024)) {
                    openMetrics.write(out, snapshots);
                }
                gzipDefault[round] = System.nanoTime() - start;
                start = System.nanoTime();
                try (var out = fastestGzip(OutputStream.nullOutputStream())) {
                    openMetrics.write(out, snapshots);
                }
                gzipFastest[round] = System.nanoTime() - start;
            }
        }
        System.out.printf("scrape body, %d workers x 8 GPUs: built %s; written as OpenMetrics %s; as text 0.0.4 %s%n", WORKERS,
                summary(build), summary(writeOpenMetrics), summary(writeText));
        if (gzip) {
            System.out.printf("OpenMetrics gzipped (%,d of %,d bytes): default level %s; level 1 %s%n", zipped.bytes, plain.bytes,
                    summary(gzipDefault), summary(gzipFastest));
        }
    }

    private static GZIPOutputStream fastestGzip(OutputStream sink) throws IOException {
        return new GZIPOutputStream(sink, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }

    private static final class CountingStream extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    private static MetricSnapshots snapshots(List<WorkerNow> fleet, Map<Long, List<XidCount>> xids, Instant now) {
        var exposition = new FleetExposition(now, xids, LABELS);
        fleet.forEach(exposition::add);
        exposition.alertsOpen(Map.of("critical", 3L));
        return exposition.snapshots(new MetricSnapshots());
    }

    private static WorkerNow worker(int w, Instant now, int temperature) {
        var gpus = new ArrayList<GpuNow>();
        for (int g = 0; g < 8; g++) {
            var health = new GpuHealth(1410, temperature + 5, g == 0 ? 4 : 0, 0L, false, false, 3L);
            gpus.add(new GpuNow(g, "NVIDIA H100 80GB HBM3", 700, now, 40_000 + g, 81_559, temperature + g, 90, 500, 40,
                    "GPU-" + Integer.toHexString(w * 31 + g) + "-9f3c-4d1e-8a7b-5c2e1f0d3a9b", health, CardLimits.NONE, null));
        }
        return new WorkerNow(w, "gpu-node-" + w, "gpu-node-" + w + ".dc1.example.com", true, now, null, gpus);
    }

    private static String summary(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return "min %.1f ms, median %.1f ms, p95 %.1f ms".formatted(sorted[0] / 1e6, sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.ceil(sorted.length * 0.95) - 1] / 1e6);
    }
}
