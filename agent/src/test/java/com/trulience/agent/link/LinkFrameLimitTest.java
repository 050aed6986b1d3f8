package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.trulience.agent.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent bounds what it assembles from the backend as the backend bounds what it takes from agents. */
class LinkFrameLimitTest {

    private static final String HELLO = "{\"type\":\"hello\",\"worker_id\":7,\"hostname\":\"gpu-07\",\"agent_version\":\"0.1.0\","
            + "\"driver_version\":null,\"metrics_interval_secs\":1,\"gpus\":[],\"services\":[]}";

    @TempDir
    Path directory;

    @Test
    void closesWith1008WhenTheBackendSendsAFrameOver64KiBThenReconnectsAndGoesOn() {
        try (var backend = TestBackend.start();
             var outbox = Outbox.open(directory, 1000);
             var link = new Link(List.of(backend.url()), "s3cret", outbox,
                     new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(1500), Duration.ofMinutes(1),
                             new Random(1)), Duration.ofSeconds(5))) {
            link.start(() -> HELLO);
            Await.until("hello", () -> backend.messages().contains(HELLO), () -> backend.messages().toString());

            backend.sendToAgents("{\"type\":\"restart\",\"padding\":\"" + "x".repeat(Link.MAX_FRAME_CHARS) + "\"}");

            // 1008, not the backend's 1009: the JDK's WebSocket client may not send 1009
            Await.until("the agent closed with 1008", () -> backend.agentCloseCodes().contains(1008),
                    () -> backend.agentCloseCodes().toString());
            Await.until("and connected again", () -> backend.connections() == 2, () -> String.valueOf(backend.connections()));
            long seq = outbox.nextSeq();
            link.submit(seq, "{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":" + seq
                    + ",\"timestamp\":\"2026-11-28T05:00:00Z\",\"metrics\":[]}");
            Await.until("a batch stored after it", () -> backend.stored().size() == 1, () -> backend.messages().toString());
            assertEquals(List.of(1008), backend.agentCloseCodes());
        }
    }
}
