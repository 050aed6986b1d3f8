package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.agent.Await;
import com.trulience.agent.FakeNvml;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The event thread through the real JNA binding against the fake libnvidia-ml.so.1; waits are 20 ms. */
class GpuEventWatcherTest {

    private static final Duration WAIT = Duration.ofMillis(20);
    private static final String GPU_1 = "GPU-1b2c3d4e-0000-1111-2222-333344445555";

    private final FakeNvml fake = FakeNvml.complete();
    private final BlockingQueue<GpuEvent> events = new LinkedBlockingQueue<>();

    private GpuEvent nextEvent() throws InterruptedException {
        GpuEvent event = events.poll(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(event, "no event within " + Await.DEADLINE);
        return event;
    }

    @Test
    void deliversXid79OfGpu1WithGpu1sUuid() throws InterruptedException {
        fake.script("count 2", "gpu 1 uuid " + GPU_1, "event 1 xid 79 3");
        Instant before = Instant.now();
        try (Gpus gpus = Gpus.open(fake.path())) {
            gpus.watchEvents(events::add, WAIT);

            GpuEvent event = nextEvent();

            assertEquals(new GpuEvent(event.timestamp(), 1, GPU_1, GpuEvent.Kind.XID, 79L), event);
            assertTrue(!event.timestamp().isBefore(before) && !event.timestamp().isAfter(Instant.now()), event.toString());
            assertTrue(fake.waitCalls() >= 3);
        }
        assertEquals(0, fake.eventSetsOpen(), "the set is freed on close");
        assertEquals(0, fake.initDepth());
        assertTrue(events.isEmpty(), events.toString());
    }

    @Test
    void deliversADoubleBitEccErrorWithoutAnXid() throws InterruptedException {
        fake.script("count 1", "event 0 ecc_double_bit 1");
        try (Gpus gpus = Gpus.open(fake.path())) {
            gpus.watchEvents(events::add, WAIT);

            GpuEvent event = nextEvent();

            assertEquals(GpuEvent.Kind.ECC_DOUBLE_BIT, event.kind());
            assertEquals("GPU-fa4e0000-0000-0000-0000-000000000000", event.uuid());
            assertNull(event.xid());
        }
    }

    @Test
    void watchesTheTypesEachGpuSupportsAndTheOthersNot() throws InterruptedException {
        fake.script("count 3",
                "gpu 0 event_types 0x8",        // Xid only: registering double-bit ECC answers NOT_SUPPORTED
                "gpu 1 event_types 0x0",        // nothing at all
                "event 0 ecc_double_bit 1",     // never registered, so never delivered
                "event 1 xid 31 1",
                "event 0 xid 13 2",
                "event 2 ecc_double_bit 3",
                "event 2 xid 999 4");
        try (Gpus gpus = Gpus.open(fake.path())) {
            gpus.watchEvents(events::add, WAIT);

            assertEquals(GpuEvent.xid(Instant.EPOCH, 0, "GPU-fa4e0000-0000-0000-0000-000000000000", 13), at(nextEvent()));
            assertEquals(GpuEvent.of(Instant.EPOCH, 2, "GPU-fa4e0000-0000-0000-0000-000000000002",
                    GpuEvent.Kind.ECC_DOUBLE_BIT), at(nextEvent()));
            assertEquals(999L, nextEvent().xid(), "NVML's unknown Xid is passed on as it is");
        }
        assertTrue(events.isEmpty(), "nothing of unregistered types: " + events);
    }

    @Test
    void endsAtOnceAndFreesTheSetWhereNoGpuReportsEvents() {
        fake.script("count 2", "gpu 0 event_types 0x0", "gpu 1 event_types 0x0");
        try (Gpus gpus = Gpus.open(fake.path())) {
            gpus.watchEvents(events::add, WAIT);

            Await.until("the set is freed", () -> fake.eventSetsOpen() == 0 && fake.waitCalls() == 0,
                    () -> fake.eventSetsOpen() + " set(s) open");
            assertEquals(2, gpus.sample().gpus().size(), "collecting goes on");
        }
    }

    @Test
    void keepsWaitingAfterAWaitAnswersGpuIsLost() throws InterruptedException {
        fake.script("count 2", "wait_rc 15");
        try (Gpus gpus = Gpus.open(fake.path())) {
            gpus.watchEvents(events::add, WAIT);
            Await.until("several waits answered GPU_IS_LOST", () -> fake.waitCalls() >= 3, () -> fake.waitCalls() + " waits");

            fake.script("count 2", "gpu 1 uuid " + GPU_1, "event 1 xid 79 1");

            assertEquals(79L, nextEvent().xid());
            assertTrue(events.isEmpty(), "a wait that answers GPU_IS_LOST names no GPU: the samples report it");
        }
    }

    @Test
    void survivesASinkThatThrows() throws InterruptedException {
        fake.script("count 1", "event 0 xid 43 1", "event 0 xid 45 2");
        var calls = new AtomicLong();
        try (Gpus gpus = Gpus.open(fake.path())) {
            gpus.watchEvents(event -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("outbox full");
                }
                events.add(event);
            }, WAIT);

            assertEquals(45L, nextEvent().xid());
        }
    }

    @Test
    void stopsWithinAboutOneWaitOnClose() {
        fake.script("count 8");
        Gpus gpus = Gpus.open(fake.path());
        gpus.watchEvents(events::add, Duration.ofMillis(200));
        Await.until("waiting", () -> fake.waitCalls() >= 1, () -> fake.waitCalls() + " waits");

        long start = System.nanoTime();
        gpus.close();

        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
        assertEquals(0, fake.eventSetsOpen());
        assertEquals(0, fake.initDepth());
    }

    @Test
    void theMetricsLoopWatchesEveryGpuItOpens() throws InterruptedException {
        fake.script("count 2", "gpu 1 uuid " + GPU_1, "event 1 xid 79 2");
        try (var loop = new MetricsLoop(() -> Gpus.open(fake.path()), 7, Duration.ofSeconds(1), new AtomicLong()::incrementAndGet,
                (seq, frame) -> { }, events::add)) {
            loop.start();

            GpuEvent event = nextEvent();

            assertEquals(1, event.gpuIndex());
            assertEquals(GPU_1, event.uuid());
            assertEquals(79L, event.xid());
        }
        assertEquals(0, fake.eventSetsOpen());
    }

    private static GpuEvent at(GpuEvent event) {
        return new GpuEvent(Instant.EPOCH, event.gpuIndex(), event.uuid(), event.kind(), event.xid());
    }
}
