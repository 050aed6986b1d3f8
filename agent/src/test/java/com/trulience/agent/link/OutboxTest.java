package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

    @TempDir
    Path directory;

    private final LogLines log = new LogLines(Outbox.class);

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    private static String batch(long seq) {
        return "{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":" + seq + ",\"timestamp\":\"2026-11-28T05:00:00Z\",\"metrics\":[]}";
    }

    private static void put(Outbox outbox, int count) {
        for (int i = 0; i < count; i++) {
            long seq = outbox.nextSeq();
            outbox.put(seq, batch(seq));
        }
    }

    @Test
    void keepsBatchesUntilRemovedAndAcrossARestart() {
        try (var outbox = Outbox.open(directory, 100)) {
            put(outbox, 3);
            assertTrue(outbox.remove(2));
            assertEquals(List.of(1L, 3L), outbox.seqs());
        }
        try (var reopened = Outbox.open(directory, 100)) {
            assertEquals(List.of(1L, 3L), reopened.seqs());
            assertEquals(Optional.of(batch(3)), reopened.read(3));
            assertEquals(OptionalLong.of(3), reopened.firstAfter(1));
            assertTrue(reopened.nextSeq() > 3);
        }
    }

    @Test
    void sendsTheNewestBatchAsWrittenWithoutReadingItsFileBackButOlderOnesFromDisk() throws Exception {
        try (var outbox = Outbox.open(directory, 100)) {
            put(outbox, 2);
            // the files are the durable copy; the newest frame is handed to the link from memory
            try (var files = java.nio.file.Files.list(directory)) {
                files.filter(f -> f.getFileName().toString().endsWith(".json") && !f.getFileName().toString().startsWith("run"))
                        .forEach(f -> overwrite(f, "damaged"));
            }
            assertEquals(Optional.of(batch(2)), outbox.read(2));
            assertEquals(Optional.empty(), outbox.read(1), "an older batch is read from its (here damaged) file");
            assertTrue(outbox.remove(2));
            assertEquals(Optional.empty(), outbox.read(2), "removed: gone from memory too");
        }
    }

    private static void overwrite(Path file, String text) {
        try {
            java.nio.file.Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void neverHandsOutASeqTwiceEvenWhenEverythingWasAcknowledged() {
        long last;
        try (var outbox = Outbox.open(directory, 100)) {
            put(outbox, 5);
            outbox.seqs().forEach(outbox::remove);
            last = outbox.lastSeq();
        }
        try (var reopened = Outbox.open(directory, 100)) {
            assertEquals(0, reopened.size());
            assertTrue(reopened.nextSeq() > last);
        }
    }

    @Test
    void leasesSeqsAgainWhenALeaseIsUsedUp() {
        try (var outbox = Outbox.open(directory, 10)) {
            for (int i = 0; i < SeqLease.SIZE + 5; i++) {
                outbox.nextSeq();
            }
        }
        try (var reopened = Outbox.open(directory, 10)) {
            assertTrue(reopened.nextSeq() > SeqLease.SIZE + 5);
        }
    }

    @Test
    void dropsTheOldestWhenFullAndCountsThem() {
        try (var outbox = Outbox.open(directory, 3)) {
            put(outbox, 5);

            assertEquals(List.of(3L, 4L, 5L), outbox.seqs());
            assertEquals(2, outbox.dropped());
            assertEquals(1, log.count("The outbox is full (3 batches, BUFFER_MAX_HOURS)"), log.shown().toString());

            outbox.remove(3);
            assertEquals(1, log.count("2 oldest batch(es) were dropped while it was full"), log.shown().toString());
        }
    }

    @Test
    void countsApartTheDroppedBatchesThatHadBeenSentAndMayBeStored() {
        try (var outbox = Outbox.open(directory, 2)) {
            put(outbox, 2);
            outbox.sent(1);
            put(outbox, 2);

            assertEquals(2, outbox.dropped());
            assertEquals(1, outbox.droppedAfterSending(), "seq 1 was sent, seq 2 never");
        }
        try (var reopened = Outbox.open(directory, 2)) {
            put(reopened, 1);
            assertEquals(1, reopened.droppedAfterSending(), "a batch an earlier run left may have been sent by it");
        }
    }

    @Test
    void cutsAHalfWrittenBatchLeftByACrash() throws IOException {
        try (var outbox = Outbox.open(directory, 100)) {
            put(outbox, 2);
        }
        Files.writeString(directory.resolve("0000000000000000003.json.tmp"), "{\"type\":\"gpu_metrics\",\"wor");

        try (var reopened = Outbox.open(directory, 100)) {
            assertEquals(List.of(1L, 2L), reopened.seqs());
            assertTrue(Files.notExists(directory.resolve("0000000000000000003.json.tmp")));
            assertEquals(1, log.count("Cut 1 half-written batch file(s)"), log.shown().toString());
        }
    }

    @Test
    void dropsADamagedBatchFileWhenItIsRead() throws IOException {
        try (var outbox = Outbox.open(directory, 100)) {
            put(outbox, 2);
            Files.writeString(directory.resolve("0000000000000000001.json"), "{\"type\":\"gpu_metrics\",\"seq\":1,\"met\0\0\0");

            assertEquals(Optional.empty(), outbox.read(1));
            assertEquals(Optional.of(batch(2)), outbox.read(2));
            assertEquals(List.of(2L), outbox.seqs());
            assertEquals(1, outbox.dropped());
            assertEquals(1, log.count("Dropped the damaged batch file"), log.shown().toString());
        }
    }

    @Test
    void keepsAGpuEventLikeABatchAcrossARestart() throws IOException {
        String event = "{\"type\":\"gpu_event\",\"seq\":2,\"timestamp\":\"2026-11-28T05:00:00.123Z\",\"gpu_index\":1,"
                + "\"uuid\":null,\"kind\":\"xid\",\"xid\":79}";
        try (var outbox = Outbox.open(directory, 100)) {
            put(outbox, 1);
            outbox.put(outbox.nextSeq(), event);
        }
        try (var reopened = Outbox.open(directory, 100)) {
            assertEquals(Optional.of(event), reopened.read(2));
            assertEquals(List.of(1L, 2L), reopened.seqs());
            assertEquals(0, reopened.dropped());
        }
    }

    @Test
    void refusesADirectoryAnotherAgentUses() {
        try (var outbox = Outbox.open(directory, 100)) {
            var refusal = assertThrows(Outbox.Unusable.class, () -> Outbox.open(directory, 100));
            assertTrue(refusal.getMessage().contains("in use by another trulience-agent"), refusal.getMessage());
        }
    }

    @Test
    void holdsBufferMaxHoursOfBatchesAtTheInterval() {
        assertEquals(17_280, Outbox.capacity(24, Duration.ofSeconds(5)));
        assertEquals(86_400, Outbox.capacity(24, Duration.ofSeconds(1)));
        assertEquals(1, Outbox.capacity(1, Duration.ofHours(2)));
    }

    @Test
    void picksTheStateDirectoryOfTheSystem() {
        Path home = Path.of("/home/gpu");
        assertEquals(Path.of("/var/lib/trulience-agent"),
                Outbox.defaultDirectory(Map.of("STATE_DIRECTORY", "/var/lib/trulience-agent:/var/lib/other"), false, home, p -> false));
        assertEquals(Path.of("/var/lib/trulience-agent"),
                Outbox.defaultDirectory(Map.of(), false, home, p -> p.equals(Path.of("/var/lib/trulience-agent"))));
        assertEquals(Path.of("/home/gpu/.local/state/trulience-agent"), Outbox.defaultDirectory(Map.of(), false, home, p -> false));
        assertEquals(Path.of("/xdg/state/trulience-agent"),
                Outbox.defaultDirectory(Map.of("XDG_STATE_HOME", "/xdg/state"), false, home, p -> false));
        assertEquals(Path.of("D:\\Data", "trulience-agent"),
                Outbox.defaultDirectory(Map.of("ProgramData", "D:\\Data"), true, home, p -> true));
    }
}
