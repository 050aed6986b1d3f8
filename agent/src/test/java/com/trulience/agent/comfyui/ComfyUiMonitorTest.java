package com.trulience.agent.comfyui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.agent.Await;
import com.trulience.agent.link.LogLines;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-collection read against the scripted ComfyUI over real HTTP. */
class ComfyUiMonitorTest {

    private static final long GIB = 1L << 30;
    /** Generous where the test is about what is read, not when: a loaded build machine is slow, never wrong. */
    private static final Duration PATIENT = Duration.ofSeconds(10);

    private final FakeComfyUi fake = new FakeComfyUi();
    private final LogLines log = new LogLines(ComfyUiMonitor.class);

    @AfterEach
    void close() {
        fake.close();
        log.close();
    }

    private ComfyUiState read(URI url, Duration budget) {
        return new ComfyUiMonitor(new ComfyUi(url), budget).begin().await();
    }

    @Test
    void readsTheRunningJobThePendingOnesTheVersionAndTorchsVramPerDevice() {
        fake.running("5c1f0e2a-77d4-4c3b-9b1e-0f6c2d9e8a10", 2).version("0.3.40")
                .device(0, 24 * GIB, GIB + 512 * 1024 * 1024 + 17).device(1, 80 * GIB, 80 * GIB);

        assertEquals(new ComfyUiState(true, "0.3.40", 1, 2, "5c1f0e2a-77d4-4c3b-9b1e-0f6c2d9e8a10",
                List.of(new ComfyUiState.Device(0, 24576L, 1536L), new ComfyUiState.Device(1, 81920L, 81920L))),
                read(fake.url(), PATIENT), log.shown()::toString);
        assertEquals(1, fake.calls("/queue"));
        assertEquals(1, fake.calls("/system_stats"));
    }

    @Test
    void readsAnIdleComfyUiAlsoUnderApi() {
        fake.idle().version(null);

        assertEquals(new ComfyUiState(true, null, 0, 0, null, List.of()),
                read(URI.create(fake.url() + "api/"), PATIENT));
    }

    @Test
    void aStoppedComfyUiIsUnreachableAndSaidOnceUntilItAnswersAgain() {
        URI url = fake.url();
        fake.stop();
        var monitor = new ComfyUiMonitor(new ComfyUi(url), PATIENT);

        assertEquals(ComfyUiState.UNREACHABLE, monitor.begin().await());
        assertEquals(ComfyUiState.UNREACHABLE, monitor.begin().await());
        assertEquals(1, log.count("is reported as unreachable"), log.shown().toString());
    }

    @Test
    void anAnswerThatIsNotComfyUisJsonIsUnreachableWithOneLogLine() {
        fake.garbage(true);
        var monitor = new ComfyUiMonitor(new ComfyUi(fake.url()), PATIENT);

        for (int i = 0; i < 3; i++) {
            assertEquals(ComfyUiState.UNREACHABLE, monitor.begin().await());
        }
        assertEquals(1, log.count("is not the JSON ComfyUI sends"), log.shown().toString());

        fake.garbage(false);
        assertTrue(monitor.begin().await().reachable());
        assertEquals(1, log.count("answers again"), log.shown().toString());
    }

    @Test
    void anErrorStatusIsUnreachable() {
        fake.answering(false);

        assertEquals(ComfyUiState.UNREACHABLE, read(fake.url(), PATIENT));
        assertTrue(log.count("GET /queue: HTTP 503") == 1, log.shown().toString());
    }

    /**
     * The sample's bound, proven by the deadline and by counts, not by a race: the hanging ComfyUI answers nothing
     * before release(), which comes only at the end, yet the reading is over at its deadline, and both of its requests
     * are then held by ComfyUI, unanswered.
     */
    @Test
    void aHangingComfyUiDelaysTheReadingByTheBudgetAndNoMore() {
        var monitor = new ComfyUiMonitor(new ComfyUi(fake.url()));
        assertTrue(read(fake.url(), PATIENT).reachable(), "warm: the JDK's HTTP client is loaded");
        fake.hang(true);

        long started = System.nanoTime();
        ComfyUiMonitor.Reading reading = monitor.begin();
        ComfyUiState state = reading.await();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(ComfyUiState.UNREACHABLE, state);
        assertTrue(took.compareTo(ComfyUiMonitor.BUDGET) >= 0, "waited for the deadline: " + took);
        assertTrue(took.compareTo(Duration.ofMillis(200)) < 0, "the sample is delayed by less than 200 ms: " + took);
        // Nothing is ever answered before release(): both requests arrive and stay held, the reading long over.
        Await.until("both requests held by ComfyUI", () -> fake.held() == 2, () -> fake.held() + " held");
        assertEquals(2, fake.calls("/queue"));
        assertEquals(1, log.count("no answer within 150 ms"), log.shown().toString());
        assertFalse(log.shown().isEmpty());
    }
}
