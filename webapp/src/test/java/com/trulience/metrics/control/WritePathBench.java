package com.trulience.metrics.control;

import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.MetricsBatch;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The backend's storage path alone (the same statements and group size as BatchWriter, same number of writer
 * connections), without WebSockets: how close the SQL design comes to COPY. Used by IngestBench.
 */
public final class WritePathBench {

    public static final int WRITERS = BatchWriter.WRITERS;

    private WritePathBench() {
    }

    /** Writes {@code frames} 8-GPU frames for the given workers in groups of {@code group}; returns rows/s. */
    public static double rowsPerSecond(String jdbcUrl, List<Long> workerIds, int frames, int group, Instant epoch) throws Exception {
        var pool = Executors.newFixedThreadPool(WRITERS);
        int perWriter = frames / WRITERS;
        long start = System.nanoTime();
        var futures = new ArrayList<java.util.concurrent.Future<?>>();
        for (int writer = 0; writer < WRITERS; writer++) {
            int first = writer * perWriter;
            futures.add(pool.submit(() -> {
                try (var connection = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
                    connection.setAutoCommit(false);
                    for (int done = 0; done < perWriter; done += group) {
                        var batches = new ArrayList<MetricsBatch>(group);
                        for (int i = 0; i < group && done + i < perWriter; i++) {
                            int frame = first + done + i;
                            long worker = workerIds.get(frame % workerIds.size());
                            batches.add(new MetricsBatch(worker, frame, epoch.plusSeconds(frame / workerIds.size()), samples(frame), List.of()));
                        }
                        MetricsSql.insert(connection, batches);
                        MetricsSql.markSeen(connection, batches);
                        connection.commit();
                    }
                }
                return null;
            }));
        }
        for (var future : futures) {
            future.get();
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        return (double) perWriter * WRITERS * 8 / ((System.nanoTime() - start) / 1e9);
    }

    private static List<GpuSample> samples(int frame) {
        var samples = new ArrayList<GpuSample>(8);
        for (int gpu = 0; gpu < 8; gpu++) {
            samples.add(new GpuSample(gpu, 40_000 + frame % 1000, 81559, 50 + frame % 30, frame % 101, 300 + frame % 400, null));
        }
        return samples;
    }
}
