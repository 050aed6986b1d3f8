package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BUFFER_DIR that cannot be written (a full disk): what the outbox keeps in memory meanwhile is bounded. */
class OutboxDiskFullTest {

    private static final int FRAME_BYTES = 64 * 1024;
    /** What 8 MiB hold of such frames. */
    private static final int KEPT_IN_MEMORY = 8 * 1024 * 1024 / FRAME_BYTES;

    @TempDir
    Path directory;

    @Test
    void keepsAtMost8MiBInMemoryWhileNothingCanBeWrittenDroppingTheOldestAndCountingThem() throws IOException {
        try (var outbox = Outbox.open(directory, 100_000)) {
            long first = 0;
            long last = 0;
            for (int i = 0; i < 3 * KEPT_IN_MEMORY; i++) {
                long seq = outbox.nextSeq();
                first = first == 0 ? seq : first;
                last = seq;
                unwritable(seq);
                outbox.put(seq, frame(seq));
            }

            assertEquals(KEPT_IN_MEMORY, outbox.size(), "kept in memory");
            assertEquals(2 * KEPT_IN_MEMORY, outbox.dropped(), "the oldest ones dropped, and counted");
            assertEquals(last, outbox.seqs().get(outbox.size() - 1));
            assertTrue(outbox.read(last).isPresent(), "the newest is still there to send");
            assertTrue(outbox.read(first).isEmpty());

            // sent and acknowledged: the memory is free again
            for (long seq : outbox.seqs()) {
                outbox.remove(seq);
            }
            long seq = outbox.nextSeq();
            unwritable(seq);
            outbox.put(seq, frame(seq));
            assertEquals(1, outbox.size());
            assertEquals(2 * KEPT_IN_MEMORY, outbox.dropped());
        }
    }

    @Test
    void aBatchWrittenToDiskSurvivesAReopenOnceItsDirectoryIsForced() {
        try (var outbox = Outbox.open(directory, 10)) {
            long seq = outbox.nextSeq();
            outbox.put(seq, frame(seq));
        }
        try (var reopened = Outbox.open(directory, 10)) {
            assertEquals(1, reopened.size());
        }
    }

    /** The outbox writes {@code <seq>.json.tmp} first: a directory of that name makes the write fail. */
    private void unwritable(long seq) throws IOException {
        Files.createDirectories(directory.resolve(String.format("%019d", seq) + ".json.tmp"));
    }

    private static String frame(long seq) {
        String head = "{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":" + seq + ",\"timestamp\":\"2026-11-28T05:00:00Z\",\"pad\":\"";
        return head + "x".repeat(FRAME_BYTES - head.length() - 2) + "\"}";
    }
}
