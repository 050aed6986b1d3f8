package com.trulience.agent;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * This run's accounting as {@value #FILE} in the outbox directory, for scripts and monitoring that should not parse
 * the stop line: written when the run starts ({@code "state":"running"}: after a kill -9 it stays so, naming the
 * run's first seq) and again when it stops, with the same figures as the stop line. Written to a {@code .tmp} file
 * and renamed into place, so a reader sees the old record or the new one, never half of one; the outbox cuts a
 * stray {@code .tmp} at its next start.
 *
 * @param lastSeq the last seq handed out, 0 when this run collected nothing
 */
record RunRecord(String state, long pid, Instant startedAt, Instant stoppedAt, long firstSeq, long lastSeq,
        long batchesCollected, long gpuSamplesCollected, long batchesDropped, long batchesDroppedAfterSending,
        int batchesUnacknowledged,
        int batchesHeldAtStart, int connections, long batchesReplayed) {

    static final String FILE = "run.json";

    static RunRecord started(Instant at, long firstSeq, int heldAtStart) {
        return new RunRecord("running", ProcessHandle.current().pid(), at, null, firstSeq, 0, 0, 0, 0, 0, heldAtStart,
                heldAtStart, 0, 0);
    }

    String json() {
        JsonObjectBuilder json = Json.createObjectBuilder().add("state", state).add("pid", pid)
                .add("started_at", startedAt.toString());
        if (stoppedAt == null) {
            json.addNull("stopped_at");
        } else {
            json.add("stopped_at", stoppedAt.toString());
        }
        json.add("first_seq", firstSeq);
        if (batchesCollected == 0) {
            json.addNull("last_seq");
        } else {
            json.add("last_seq", lastSeq);
        }
        return json.add("batches_collected", batchesCollected).add("gpu_samples_collected", gpuSamplesCollected)
                .add("batches_dropped", batchesDropped).add("batches_dropped_after_sending", batchesDroppedAfterSending)
                .add("batches_unacknowledged", batchesUnacknowledged)
                .add("batches_held_at_start", batchesHeldAtStart).add("connections", connections)
                .add("batches_replayed", batchesReplayed).build().toString();
    }

    void write(Path directory) throws IOException {
        Path target = directory.resolve(FILE);
        Path temp = directory.resolve("run.tmp");
        Files.writeString(temp, json() + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
