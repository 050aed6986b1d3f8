package com.trulience.prometheus.control;

import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.metrics.entity.Throttle;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The labels of each worker's series, kept from one scrape to the next: Labels.of validates and sorts its names on
 * every call, and a scrape of 8,000 GPUs needs 48,000 of them, while a real fleet's names, hostnames, UUIDs and
 * models hardly ever change. Each use compares the worker's values with the kept ones (the samples' values are never
 * kept here) and builds them anew when one differs. Safe for scrapes that run at once.
 */
public final class SeriesLabels {

    /** {@code byReason}: indexed by {@link Throttle#ordinal()}. */
    record Gpu(int gpuIndex, String uuid, String model, Labels labels, Labels[] byReason) {

        boolean describes(GpuNow gpu) {
            return gpuIndex == gpu.gpuIndex() && uuid.equals(text(gpu.uuid())) && model.equals(text(gpu.name()));
        }
    }

    record Worker(String name, String hostname, Labels up, List<Gpu> gpus) {

        boolean describes(WorkerNow worker) {
            if (!name.equals(worker.name()) || !hostname.equals(text(worker.hostname())) || gpus.size() != worker.gpus().size()) {
                return false;
            }
            for (int i = 0; i < gpus.size(); i++) {
                if (!gpus.get(i).describes(worker.gpus().get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Map<Long, Worker> byWorker = new ConcurrentHashMap<>();

    /** The worker's labels, its GPUs' in the order of {@link WorkerNow#gpus()}. */
    Worker of(WorkerNow worker) {
        var kept = byWorker.get(worker.id());
        if (kept != null && kept.describes(worker)) {
            return kept;
        }
        var built = build(worker);
        byWorker.put(worker.id(), built);
        return built;
    }

    /** Forgets the workers that are gone. */
    void keepOnly(Set<Long> workerIds) {
        byWorker.keySet().retainAll(workerIds);
    }

    private static Worker build(WorkerNow worker) {
        String hostname = text(worker.hostname());
        var gpus = new ArrayList<Gpu>(worker.gpus().size());
        for (var gpu : worker.gpus()) {
            String uuid = text(gpu.uuid());
            String model = text(gpu.name());
            var labels = Labels.of("worker", worker.name(), "hostname", hostname, "gpu", Integer.toString(gpu.gpuIndex()),
                    "uuid", uuid, "model", model);
            var byReason = new Labels[Throttle.values().length];
            for (var reason : Throttle.values()) {
                byReason[reason.ordinal()] = labels.add("reason", reason.wireName());
            }
            gpus.add(new Gpu(gpu.gpuIndex(), uuid, model, labels, byReason));
        }
        return new Worker(worker.name(), hostname, Labels.of("worker", worker.name(), "hostname", hostname), List.copyOf(gpus));
    }

    private static String text(String value) {
        return Objects.requireNonNullElse(value, "");
    }
}
