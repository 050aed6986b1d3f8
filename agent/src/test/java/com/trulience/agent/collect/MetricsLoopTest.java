package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void keepsRunningWithZeroGpusWhenNvmlIsUnavailable() throws InterruptedException {
        try (var loop = new MetricsLoop(() -> {
            throw NvmlUnavailable.libraryNotFound("libnvidia-ml.so.1", new UnsatisfiedLinkError());
        }, 7, Duration.ofSeconds(1), frames::add)) {
            loop.start();

            assertTrue(nextFrame().contains("\"metrics\":[]"));
            assertTrue(nextFrame().contains("\"seq\":2"));
        }
    }
}
