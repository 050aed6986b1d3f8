package com.trulience.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.metrics.entity.GpuProcess;
import com.trulience.metrics.entity.GpuProcesses;
import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.workers.entity.CardLimits;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the fleet snapshot applies groups and re-reads, without the database (FleetSnapshotIT compares it with it). */
class FleetStateTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final CardLimits LIMITS = new CardLimits(87, 92, 1980, 700);

    private static GpuNow gpu(int index, Instant recordedAt, int temperature) {
        return new GpuNow(index, "H100", 700, recordedAt, 1_000, 81_559, temperature, 50, 300, null, "GPU-" + index,
                GpuHealth.NONE, LIMITS, GpuProcesses.NOT_REPORTED);
    }

    private static WorkerNow worker(long id, String name, boolean online, GpuNow... gpus) {
        return new WorkerNow(id, name, name + ".local", online, T0, null, List.of(gpus));
    }

    private static GpuSample sample(int index, int temperature) {
        return new GpuSample(index, 2_000, 81_559, temperature, 90, 400, 30);
    }

    private static FleetState fleet() {
        return FleetState.of(List.of(worker(1, "a", true, gpu(0, T0, 40), gpu(1, T0, 41)), worker(2, "b", false)), 7);
    }

    @Test
    void aNewerSampleReplacesTheValuesAndKeepsWhatTheHelloAnnounced() {
        var seen = T0.plusSeconds(6);
        var applied = fleet().withSamples(List.of(new MetricsBatch(1, 1, T0.plusSeconds(5), List.of(sample(1, 70)), List.of(), 9_000L)), seen);

        var worker = applied.state().worker(1);
        assertEquals(8, applied.state().version());
        assertEquals(Set.of(1L), applied.changed());
        assertTrue(applied.unknown().isEmpty());
        assertEquals(40, worker.gpus().get(0).temperatureCelsius(), "GPU 0 was not in the batch");
        var replaced = worker.gpus().get(1);
        assertEquals(70, replaced.temperatureCelsius());
        assertEquals(2_000, replaced.vramUsedMb());
        assertEquals(30, replaced.fanSpeedPercent());
        assertEquals(T0.plusSeconds(5), replaced.recordedAt());
        assertEquals("H100", replaced.name());
        assertEquals("GPU-1", replaced.uuid());
        assertEquals(LIMITS, replaced.limits());
        assertEquals(seen, worker.lastSeenAt());
        assertEquals(9_000L, worker.clockOffsetMs());
    }

    @Test
    void anOlderSampleChangesNoValueButTheWorkerWasStillSeen() {
        var seen = T0.plusSeconds(6);
        var applied = fleet().withSamples(List.of(new MetricsBatch(1, 1, T0.minusSeconds(5), List.of(sample(0, 90)), List.of())), seen);

        assertEquals(40, applied.state().worker(1).gpus().get(0).temperatureCelsius());
        assertEquals(seen, applied.state().worker(1).lastSeenAt());
    }

    @Test
    void aSampleStampedInTheFutureIsReplacedByAnyOne() {
        var future = FleetState.of(List.of(worker(1, "a", true, gpu(0, T0.plusSeconds(60), 40))), 1);
        var applied = future.withSamples(List.of(new MetricsBatch(1, 1, T0, List.of(sample(0, 55)), List.of())), T0.plusSeconds(1));

        assertEquals(55, applied.state().worker(1).gpus().get(0).temperatureCelsius());
        assertEquals(T0, applied.state().worker(1).gpus().get(0).recordedAt());
    }

    @Test
    void theNewestBatchOfAWorkerInAGroupWinsAndAnOlderOneAfterItDoesNot() {
        var applied = fleet().withSamples(List.of(
                new MetricsBatch(1, 2, T0.plusSeconds(10), List.of(sample(0, 60)), List.of()),
                new MetricsBatch(1, 1, T0.plusSeconds(5), List.of(sample(0, 50)), List.of())), T0.plusSeconds(11));

        assertEquals(60, applied.state().worker(1).gpus().get(0).temperatureCelsius());
    }

    @Test
    void processesFollowTheSampleAndNotReportedClearsThem() {
        var listed = new GpuProcesses(List.of(new GpuProcess(42, "python", null, null, "comfy", 1_500, null, null, null)), 0, null);
        var withProcesses = new GpuSample(0, 2_000, 81_559, 60, 90, 400, 30, GpuHealth.NONE, listed);
        var first = fleet().withSamples(List.of(new MetricsBatch(1, 1, T0.plusSeconds(5), List.of(withProcesses), List.of())), T0.plusSeconds(5));
        assertEquals(listed, first.state().worker(1).gpus().get(0).processes());

        var second = first.state().withSamples(List.of(new MetricsBatch(1, 2, T0.plusSeconds(10), List.of(sample(0, 60)), List.of())), T0.plusSeconds(10));
        assertSame(GpuProcesses.NOT_REPORTED, second.state().worker(1).gpus().get(0).processes());
    }

    @Test
    void onlineStateIsLeftToTheOnlineEvents() {
        var applied = fleet().withSamples(List.of(new MetricsBatch(2, 1, T0.plusSeconds(5), List.of(), List.of())), T0.plusSeconds(5));

        assertFalse(applied.state().worker(2).online());
    }

    @Test
    void anUnknownWorkerOrGpuIsHandedBackToBeRead() {
        var applied = fleet().withSamples(List.of(
                new MetricsBatch(1, 1, T0.plusSeconds(5), List.of(sample(7, 60)), List.of()),
                new MetricsBatch(99, 1, T0.plusSeconds(5), List.of(sample(0, 60)), List.of())), T0.plusSeconds(5));

        assertEquals(Set.of(1L, 99L), applied.unknown());
        assertEquals(2, applied.state().worker(1).gpus().size());
        assertNull(applied.state().worker(99));
    }

    @Test
    void aGroupOfOnlyUnknownWorkersMakesNoNewVersion() {
        var fleet = fleet();
        var applied = fleet.withSamples(List.of(new MetricsBatch(99, 1, T0, List.of(sample(0, 60)), List.of())), T0);

        assertSame(fleet, applied.state());
        assertTrue(applied.changed().isEmpty());
    }

    @Test
    void aReReadWorkerReplacesItsEntryInPlace() {
        var fleet = fleet();
        var read = worker(2, "b", true, gpu(0, T0, 33));

        assertFalse(fleet.reorders(List.of(2L), List.of(read)));
        var next = fleet.withRead(List.of(2L), List.of(read), null);

        assertEquals(8, next.version());
        assertEquals(List.of(1L, 2L), next.workers().stream().map(WorkerNow::id).toList());
        assertTrue(next.worker(2).online());
        assertSame(fleet.worker(1), next.worker(1), "untouched workers are shared, not copied");
        assertFalse(fleet.worker(2).online(), "the old version stays as it was");
    }

    @Test
    void aNewWorkerTakesItsPlaceInTheDatabasesOrder() {
        var fleet = fleet();
        var added = worker(3, "a0", false);

        assertTrue(fleet.reorders(List.of(3L), List.of(added)));
        var next = fleet.withRead(List.of(3L), List.of(added), List.of(1L, 3L, 2L));

        assertEquals(List.of(1L, 3L, 2L), next.workers().stream().map(WorkerNow::id).toList());
        assertEquals("a0", next.worker(3).name());
    }

    @Test
    void aWorkerAskedForAndNotFoundIsGone() {
        var fleet = fleet();

        assertTrue(fleet.reorders(List.of(1L), List.of()));
        var next = fleet.withRead(List.of(1L), List.of(), List.of(2L));

        assertEquals(List.of(2L), next.workers().stream().map(WorkerNow::id).toList());
        assertNull(next.worker(1));
    }

    @Test
    void aRenameReorders() {
        assertTrue(fleet().reorders(List.of(1L), List.of(worker(1, "z", true))));
    }

    @Test
    void theWorkersListCannotBeChanged() {
        var workers = fleet().workers();
        assertThrows(UnsupportedOperationException.class, () -> workers.set(0, worker(5, "x", true)));
    }

    @Test
    void timesAreKeptToTheMicrosecondAsPostgresqlKeepsThem() {
        assertEquals(Instant.parse("2026-12-01T10:00:00.000002Z"), FleetState.micros(Instant.parse("2026-12-01T10:00:00.0000015Z")));
        assertEquals(Instant.parse("2026-12-01T10:00:00.000001Z"), FleetState.micros(Instant.parse("2026-12-01T10:00:00.0000014Z")));
    }
}
