package com.trulience.agent.link;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The batches' seq numbers, which must keep increasing across restarts even when every batch was acknowledged (the
 * backend takes a seq it has seen for a replay). {@code next-seq} in the outbox directory holds a ceiling leased
 * {@value #SIZE} at a time: one small atomic write per thousand batches, and a restart skips at most that many
 * numbers. Guarded by the {@link Outbox} that owns it.
 */
final class SeqLease {

    static final long SIZE = 1000;
    static final String FILE = "next-seq";
    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private final Path file;
    private long next;
    private long leasedUpTo;

    private SeqLease(Path file, long next) {
        this.file = file;
        this.next = next;
    }

    /** Goes on after {@code highestPending} and after every seq an earlier run leased; writes the first lease. */
    static SeqLease open(Path directory, long highestPending) throws IOException {
        Path file = directory.resolve(FILE);
        var lease = new SeqLease(file, Math.max(highestPending + 1, readCeiling(file)));
        lease.renew();
        return lease;
    }

    private static long readCeiling(Path file) {
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            return 1;
        } catch (IOException | NumberFormatException e) {
            LOG.warning(() -> file + " is unreadable (" + e + "): seq goes on after the pending batches");
            return 1;
        }
    }

    /** Whether {@link #take} needs a new lease first. */
    boolean runsOut() {
        return next >= leasedUpTo;
    }

    /**
     * Leases the next {@value #SIZE} seqs. When the write fails they are handed out all the same (collecting does
     * not stop for it), and the next attempt comes at the end of them.
     */
    void renew() throws IOException {
        leasedUpTo = next + SIZE;
        Outbox.writeAtomically(file, Long.toString(leasedUpTo));
    }

    long take() {
        return next++;
    }

    /** The last seq handed out, or the one before the first of this run. */
    long last() {
        return next - 1;
    }
}
