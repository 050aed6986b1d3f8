package com.trulience.metrics.control;

import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.metrics.entity.GpuProcesses;
import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.MetricsBatch;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One version of the fleet snapshot, never changed once built: every change makes a new one that shares the
 * entries of the workers it did not touch, so readers hold a consistent fleet without a lock. Applying a group of
 * samples follows the write path's rules for gpu_metrics_latest (a newer sample replaces the GPU's values, and any
 * one replaces a sample stamped in the future); what it cannot know without the database (a worker or a GPU it has
 * not seen yet, and with it the GPU's name, UUID and limits) it hands back to be read by id.
 */
final class FleetState {

    static final FleetState EMPTY = new FleetState(0, new WorkerNow[0], Map.of());

    private final long version;
    private final WorkerNow[] entries;
    private final List<WorkerNow> workers;
    private final Map<Long, Integer> positions;

    private FleetState(long version, WorkerNow[] entries, Map<Long, Integer> positions) {
        this.version = version;
        this.entries = entries;
        this.workers = Collections.unmodifiableList(Arrays.asList(entries));
        this.positions = positions;
    }

    /** The fleet as {@link CurrentFleet#read} handed it out, in its order. */
    static FleetState of(List<WorkerNow> ordered, long version) {
        var entries = ordered.toArray(WorkerNow[]::new);
        return new FleetState(version, entries, positionsOf(entries));
    }

    record Applied(FleetState state, Set<Long> changed, Set<Long> unknown) {
    }

    long version() {
        return version;
    }

    List<WorkerNow> workers() {
        return workers;
    }

    WorkerNow worker(long workerId) {
        Integer position = positions.get(workerId);
        return position == null ? null : entries[position];
    }

    /**
     * A committed group: {@code seenAt} is the last_seen_at its transaction gave its workers. Online state is left to
     * the online/offline events, which know the order of those changes; a group's event may arrive after them.
     */
    Applied withSamples(List<MetricsBatch> batches, Instant seenAt) {
        var copy = entries.clone();
        var changed = new LinkedHashSet<Long>();
        var unknown = new LinkedHashSet<Long>();
        for (var batch : batches) {
            Integer position = positions.get(batch.workerId());
            if (position == null) {
                unknown.add(batch.workerId());
                continue;
            }
            var worker = copy[position];
            var gpus = new ArrayList<>(worker.gpus());
            for (GpuSample sample : batch.samples()) {
                int at = indexOf(gpus, sample.gpuIndex());
                if (at < 0) {
                    unknown.add(batch.workerId());
                } else if (replaces(gpus.get(at).recordedAt(), batch.recordedAt(), seenAt)) {
                    gpus.set(at, withSample(gpus.get(at), micros(batch.recordedAt()), sample));
                }
            }
            Instant lastSeen = seenAt == null || (worker.lastSeenAt() != null && worker.lastSeenAt().isAfter(seenAt))
                    ? worker.lastSeenAt() : seenAt;
            copy[position] = new WorkerNow(worker.id(), worker.name(), worker.hostname(), worker.online(), lastSeen,
                    batch.clockOffsetMs(), gpus);
            changed.add(worker.id());
        }
        if (changed.isEmpty()) {
            return new Applied(this, Set.of(), unknown);
        }
        return new Applied(new FleetState(version + 1, copy, positions), changed, unknown);
    }

    /**
     * Whether the workers read by id change the order or the membership (one added, gone or renamed): then the
     * new order must be read too.
     */
    boolean reorders(Collection<Long> asked, Collection<WorkerNow> found) {
        var foundIds = new HashSet<Long>();
        for (var worker : found) {
            foundIds.add(worker.id());
            var known = worker(worker.id());
            if (known == null || !known.name().equals(worker.name())) {
                return true;
            }
        }
        return asked.stream().anyMatch(id -> positions.containsKey(id) && !foundIds.contains(id));
    }

    /**
     * The workers read from the database replace those asked for; those asked for and not found are gone.
     * {@code order} is every worker's id in the database's order, required when {@link #reorders} says so.
     */
    FleetState withRead(Collection<Long> asked, Collection<WorkerNow> found, List<Long> order) {
        var read = new HashMap<Long, WorkerNow>();
        found.forEach(worker -> read.put(worker.id(), worker));
        if (order == null) {
            var copy = entries.clone();
            read.values().forEach(worker -> copy[positions.get(worker.id())] = worker);
            return new FleetState(version + 1, copy, positions);
        }
        var gone = new HashSet<>(asked);
        gone.removeAll(read.keySet());
        var ordered = new ArrayList<WorkerNow>(order.size());
        for (long id : order) {
            var worker = read.containsKey(id) ? read.get(id) : gone.contains(id) ? null : worker(id);
            // a worker registered since the order was read, or one asked for by nobody: the next change reads it
            if (worker != null) {
                ordered.add(worker);
            }
        }
        return of(ordered, version + 1);
    }

    private static boolean replaces(Instant stored, Instant incoming, Instant now) {
        return stored == null || stored.isBefore(micros(incoming)) || (now != null && stored.isAfter(now));
    }

    private static GpuNow withSample(GpuNow gpu, Instant recordedAt, GpuSample sample) {
        var processes = sample.processes().reported() ? sample.processes() : GpuProcesses.NOT_REPORTED;
        return new GpuNow(gpu.gpuIndex(), gpu.name(), gpu.powerLimitWatts(), recordedAt, sample.vramUsedMb(),
                sample.vramTotalMb(), sample.temperatureCelsius(), sample.utilizationPercent(), sample.powerDrawWatts(),
                sample.fanSpeedPercent(), gpu.uuid(), sample.health(), gpu.limits(), processes);
    }

    private static int indexOf(List<GpuNow> gpus, int gpuIndex) {
        for (int i = 0; i < gpus.size(); i++) {
            if (gpus.get(i).gpuIndex() == gpuIndex) {
                return i;
            }
        }
        return -1;
    }

    /** As PostgreSQL stores a timestamp: to the nearest microsecond. */
    static Instant micros(Instant time) {
        return time.getNano() % 1_000 == 0 ? time : time.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
    }

    private static Map<Long, Integer> positionsOf(WorkerNow[] entries) {
        var positions = new HashMap<Long, Integer>(entries.length * 2);
        for (int i = 0; i < entries.length; i++) {
            positions.put(entries[i].id(), i);
        }
        return Map.copyOf(positions);
    }
}
