package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.agent.comfyui.ComfyUi;
import com.trulience.agent.comfyui.ComfyUiMonitor;
import com.trulience.agent.comfyui.FakeComfyUi;
import com.trulience.agent.nvml.NvmlUnavailable;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsLoopTest {

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

    private String nextFrame() throws InterruptedException {
        String frame = frames.poll(5, TimeUnit.SECONDS);
        assertNotNull(frame, "no frame within 5 s");
        return frame;
    }

    @Test
    void sendsAFrameEveryIntervalWithIncreasingSeq() throws InterruptedException {
        try (var loop = new MetricsLoop(() -> Gpus.open(new SimulatedNvml(2)), 7, Duration.ofSeconds(1), frames::add)) {
            loop.start();

            String first = nextFrame();
            String second = nextFrame();

            assertTrue(first.startsWith("{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":1,"), first);
            assertTrue(second.startsWith("{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":2,"), second);
            assertTrue(second.contains("\"gpu_index\":1"));
        }
    }

    @Test
    void aStalledCollectionLeavesAGapInsteadOfFramesOfTheSameSecond() throws InterruptedException {
        var stalled = new java.util.concurrent.atomic.AtomicBoolean();
        try (var loop = new MetricsLoop(() -> Gpus.open(new SimulatedNvml(1)), 7, Duration.ofSeconds(1), frame -> {
            frames.add(frame);
            if (!stalled.getAndSet(true)) {
                sleep(2500);  // as a paused VM or a starved CPU would hold the metrics thread
            }
        })) {
            loop.start();
            var seconds = new java.util.ArrayList<Long>();
            for (int i = 0; i < 4; i++) {
                String timestamp = jakarta.json.Json.createReader(new java.io.StringReader(nextFrame())).readObject().getString("timestamp");
                seconds.add(java.time.Instant.parse(timestamp).getEpochSecond());
            }

            for (int i = 1; i < seconds.size(); i++) {
                assertTrue(seconds.get(i) > seconds.get(i - 1), "every frame in a second of its own: " + seconds);
            }
            assertTrue(seconds.get(1) - seconds.get(0) >= 2, "the stall is a gap: " + seconds);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void keepsRunningWithZeroGpusWhenNvmlIsUnavailable() throws InterruptedException {
        try (var loop = new MetricsLoop(() -> {
            throw NvmlUnavailable.libraryNotFound("libnvidia-ml.so.1", new UnsatisfiedLinkError());
        }, 7, Duration.ofSeconds(1), frames::add)) {
            loop.start();

            assertTrue(nextFrame().contains("\"metrics\":[]"));
            assertTrue(nextFrame().contains("\"seq\":2"));
        }
    }

    /**
     * A ComfyUI that takes every request and never answers: each sample still goes out, with {"reachable":false}, while
     * ComfyUI holds the loop's requests (nothing is released before the end: no race with an answer).
     */
    @Test
    void aHangingComfyUiDoesNotHoldUpTheSamples() throws InterruptedException {
        try (var comfyUi = new FakeComfyUi().hang(true);
                var loop = new MetricsLoop(() -> Gpus.open(new SimulatedNvml(1)), 7, Duration.ofSeconds(1),
                        new java.util.concurrent.atomic.AtomicLong()::incrementAndGet, (seq, frame) -> frames.add(frame), null,
                        new ComfyUiMonitor(new ComfyUi(comfyUi.url())))) {
            loop.start();

            for (int i = 0; i < 2; i++) {
                var frame = jakarta.json.Json.createReader(new java.io.StringReader(nextFrame())).readObject();
                assertEquals("{\"reachable\":false}", frame.getJsonObject("comfyui").toString());
                assertEquals(1, frame.getJsonArray("metrics").size(), "the GPU sample itself");
            }
            assertTrue(comfyUi.calls("/queue") >= 2, "every collection asked: " + comfyUi.calls("/queue"));
            assertTrue(comfyUi.held() >= 1, "and ComfyUI still holds requests unanswered");
        }
    }
}
