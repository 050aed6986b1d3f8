package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seq numbers and their lease in next-seq, in a real directory. */
class SeqLeaseTest {

    @TempDir
    Path directory;

    private String ceiling() throws Exception {
        return Files.readString(directory.resolve(SeqLease.FILE));
    }

    @Test
    void startsAtOneAndLeasesAThousandAtATime() throws Exception {
        var lease = SeqLease.open(directory, 0);

        assertEquals(0, lease.last());
        assertEquals("1001", ceiling());
        for (long seq = 1; seq <= SeqLease.SIZE; seq++) {
            assertFalse(lease.runsOut());
            assertEquals(seq, lease.take());
        }
        assertTrue(lease.runsOut());
        lease.renew();
        assertEquals("2001", ceiling());
        assertEquals(1001, lease.take());
        assertEquals(1001, lease.last());
    }

    @Test
    void goesOnAfterTheLeaseOfTheRunBeforeOrAfterThePendingBatchesWhicheverIsHigher() throws Exception {
        SeqLease.open(directory, 0).take();
        assertEquals(1001, SeqLease.open(directory, 0).take(), "the run before leased up to 1001");
        assertEquals(5001, SeqLease.open(directory, 5000).take(), "a batch file above the lease");
    }

    @Test
    void anUnreadableCeilingFallsBackToThePendingBatches() throws Exception {
        Files.writeString(directory.resolve(SeqLease.FILE), "not a number");

        assertEquals(8, SeqLease.open(directory, 7).take());
        assertEquals("1008", ceiling());
    }
}
