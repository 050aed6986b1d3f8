package com.trulience.agent.link;

import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The batches the backend has not acknowledged yet, on disk in {@code BUFFER_DIR}: one file per
 * batch, {@code <seq>.json} holding exactly the frame, written to a {@code .tmp} file, forced to
 * disk and renamed into place.
 *
 * <p>Why a file per batch rather than an append-only log with a watermark: acks and error frames
 * remove single batches, not always the oldest (acks follow the backend's group commits, error
 * frames come at once), and with files that is a delete instead of a compaction. A rename is
 * atomic on Linux and Windows, so a kill -9 or a power cut leaves a whole batch or a stray
 * {@code .tmp} (cut at the next start), never half a record; a damaged file (a disk error) fails
 * to parse and is dropped with a log line when it is read. A day at 5 s is 17,280 files of about
 * 1 KiB, which any file system lists quickly.
 *
 * <p>The seqs come from a {@link SeqLease} in the same directory, so that they keep increasing
 * across restarts.
 *
 * <p>Thread-safe: the metrics thread puts, the link thread reads and removes.
 *
 * <p>One piece although over 250 lines: the batch files, the lock on their directory and the
 * write problem noted once (a failed put or seq lease) are one state.
 */
public final class Outbox implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    private static final String SUFFIX = ".json";
    private static final String TEMP_SUFFIX = ".tmp";
    /**
     * What the outbox keeps in memory while BUFFER_DIR cannot be written (a full disk), in characters of frames:
     * beyond it the oldest kept in memory are dropped, and counted.
     */
    static final int MAX_IN_MEMORY_CHARS = 8 * 1024 * 1024;
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");
    /** Json.createReader looks the provider up (a ServiceLoader scan) on every call: once is enough. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** BUFFER_DIR cannot be used; the message says why and what to do. */
    public static final class Unusable extends RuntimeException {
        Unusable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path directory;
    private final int capacity;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Pending batches by seq; the value is the frame itself only while it could not be written. */
    private final TreeMap<Long, String> pending = new TreeMap<>();
    private SeqLease seqs;
    private long dropped;
    private long droppedAfterSending;
    /** Seqs below it an earlier run left: it may have sent them. */
    private long firstOfRun;
    /** The highest seq handed to a socket in this run. */
    private long highestSent;
    private long droppedWhileFull;
    private String writeProblem;
    private long inMemoryChars;
    private long droppedFromMemory;
    /**
     * The batch put last, as written: the link sends it moments later, and reading it back from disk and parsing it to
     * check a file this run wrote a second ago cost more CPU than the rest of a batch (issue 22's footprint).
     */
    private long newestSeq = -1;
    private String newestFrame;

    private Outbox(Path directory, int capacity, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.capacity = capacity;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** How many batches {@code hours} of collections at {@code interval} are; at least one. */
    public static int capacity(int hours, Duration interval) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofHours(hours).toMillis() / interval.toMillis()));
    }

    /**
     * BUFFER_DIR when unset: systemd's {@code StateDirectory} ({@code $STATE_DIRECTORY}), else
     * {@code /var/lib/trulience-agent} where this user may write, else the user's state directory;
     * on Windows {@code %ProgramData%\trulience-agent}.
     */
    public static Path defaultDirectory(Map<String, String> environment, boolean windows, Path home,
            Predicate<Path> writable) {
        if (windows) {
            return Path.of(environment.getOrDefault("ProgramData", "C:\\ProgramData"), "trulience-agent");
        }
        String stateDirectory = environment.get("STATE_DIRECTORY");
        if (stateDirectory != null && !stateDirectory.isBlank()) {
            // systemd passes one path per StateDirectory= entry, separated by colons.
            return Path.of(stateDirectory.split(":")[0]);
        }
        Path system = Path.of("/var/lib/trulience-agent");
        if (writable.test(system) || (!Files.exists(system) && writable.test(system.getParent()))) {
            return system;
        }
        String xdg = environment.get("XDG_STATE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local/state")).resolve("trulience-agent");
    }

    /**
     * Opens (creating it) and locks the directory, cuts what a crash left half-written, and finds
     * the pending batches.
     *
     * @throws Unusable when it cannot be created, written or locked
     */
    public static Outbox open(Path directory, int capacity) {
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                throw new Unusable("BUFFER_DIR " + directory.toAbsolutePath() + " is in use by another trulience-agent:"
                        + " give each agent its own BUFFER_DIR.", null);
            }
            var outbox = new Outbox(directory, capacity, channel, lock);
            outbox.load();
            return outbox;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new Unusable("BUFFER_DIR " + directory.toAbsolutePath() + " cannot be used (" + e
                    + "): make it a directory this user can write, or set BUFFER_DIR to one.", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private void load() throws IOException {
        int torn = 0;
        long highest = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(TEMP_SUFFIX)) {
                    Files.deleteIfExists(file);
                    torn += name.endsWith(SUFFIX + TEMP_SUFFIX) ? 1 : 0;
                } else if (name.endsWith(SUFFIX)) {
                    OptionalLong seq = seqOf(name);
                    if (seq.isPresent()) {
                        pending.put(seq.getAsLong(), null);
                        highest = Math.max(highest, seq.getAsLong());
                    }
                }
            }
        }
        if (torn > 0) {
            int count = torn;
            LOG.warning(() -> "Cut " + count + " half-written batch file(s) left by a crash in " + directory);
        }
        seqs = SeqLease.open(directory, highest);
        firstOfRun = seqs.last() + 1;
        if (!pending.isEmpty()) {
            LOG.info(() -> "Outbox " + directory + " holds " + pending.size() + " batch(es) not yet acknowledged (seq "
                    + pending.firstKey() + " to " + pending.lastKey() + "); they are sent first");
        }
    }

    /** The seq of the next batch; never one used before in this directory. */
    public synchronized long nextSeq() {
        if (seqs.runsOut()) {
            try {
                seqs.renew();
            } catch (IOException e) {
                noteWriteProblem(e);
            }
        }
        return seqs.take();
    }

    /** Keeps the batch until {@link #remove}; when full, the oldest batch makes room. */
    public synchronized void put(long seq, String frame) {
        while (pending.size() >= capacity) {
            long oldest = pending.firstKey();
            delete(oldest);
            countDrop(oldest);
            if (droppedWhileFull++ == 0) {
                LOG.warning(() -> "The outbox is full (" + capacity + " batches, BUFFER_MAX_HOURS): the oldest"
                        + " batches are dropped from now on, starting with seq " + oldest);
            }
        }
        try {
            writeAtomically(file(seq), frame);
            pending.put(seq, null);
            newestSeq = seq;
            newestFrame = frame;
            if (writeProblem != null) {
                long droppedMeanwhile = droppedFromMemory;
                LOG.info(() -> "The outbox in " + directory + " can be written again"
                        + (droppedMeanwhile == 0 ? "" : "; " + droppedMeanwhile + " batch(es) were dropped from memory meanwhile"));
                writeProblem = null;
                droppedFromMemory = 0;
            }
        } catch (IOException e) {
            noteWriteProblem(e);
            keepInMemory(seq, frame);
        }
    }

    /** Lost only if the agent also stops before it is sent, or when more than the bound waits in memory. */
    private void keepInMemory(long seq, String frame) {
        while (inMemoryChars + frame.length() > MAX_IN_MEMORY_CHARS) {
            var oldest = pending.entrySet().stream().filter(entry -> entry.getValue() != null).findFirst();
            if (oldest.isEmpty()) {
                break;
            }
            long dropping = oldest.get().getKey();
            delete(dropping);
            countDrop(dropping);
            if (droppedFromMemory++ == 0) {
                LOG.warning(() -> "More than " + MAX_IN_MEMORY_CHARS / (1024 * 1024) + " MiB of batches wait in memory for"
                        + " the outbox to be writable: the oldest of them are dropped, starting with seq " + dropping);
            }
        }
        pending.put(seq, frame);
        inMemoryChars += frame.length();
    }

    private void noteWriteProblem(IOException e) {
        String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!problem.equals(writeProblem)) {
            writeProblem = problem;
            LOG.warning(() -> "The outbox in " + directory + " cannot be written (" + problem
                    + "): batches are kept in memory until it can");
        }
    }

    /** The first pending seq after {@code seq}. */
    public synchronized OptionalLong firstAfter(long seq) {
        Long next = pending.higherKey(seq);
        return next == null ? OptionalLong.empty() : OptionalLong.of(next);
    }

    /** The frame of a pending batch; empty when it is gone, or damaged (then it is dropped). */
    public synchronized Optional<String> read(long seq) {
        if (!pending.containsKey(seq)) {
            return Optional.empty();
        }
        String inMemory = seq == newestSeq ? newestFrame : pending.get(seq);
        if (inMemory != null) {
            return Optional.of(inMemory);
        }
        String frame;
        try {
            frame = Files.readString(file(seq), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return drop(seq, e.toString());
        }
        if (!isFrame(frame, seq)) {
            return drop(seq, "not the gpu_metrics or gpu_event frame of this seq");
        }
        return Optional.of(frame);
    }

    private Optional<String> drop(long seq, String why) {
        LOG.warning(() -> "Dropped the damaged batch file " + file(seq) + " (" + why + ")");
        delete(seq);
        countDrop(seq);
        return Optional.empty();
    }

    private void countDrop(long seq) {
        dropped++;
        if (seq <= highestSent || seq < firstOfRun) {
            droppedAfterSending++;
        }
    }

    /** The link handed {@code seq} to a socket: from now on the backend may have stored it, acknowledged or not. */
    public synchronized void sent(long seq) {
        highestSent = Math.max(highestSent, seq);
    }

    private static boolean isFrame(String text, long seq) {
        try {
            JsonObject json = JSON.createReader(new StringReader(text)).readObject();
            String type = json.getString("type", null);
            return ("gpu_metrics".equals(type) || "gpu_event".equals(type))
                    && json.get("seq") instanceof JsonNumber number && number.longValue() == seq;
        } catch (JsonException | IllegalStateException e) {
            return false;
        }
    }

    /** Forgets a batch: the backend acknowledged or refused it. */
    public synchronized boolean remove(long seq) {
        if (!pending.containsKey(seq)) {
            return false;
        }
        delete(seq);
        if (droppedWhileFull > 0 && pending.size() < capacity) {
            long count = droppedWhileFull;
            LOG.info(() -> "The outbox has room again; " + count + " oldest batch(es) were dropped while it was full");
            droppedWhileFull = 0;
        }
        return true;
    }

    private void delete(long seq) {
        String inMemory = pending.remove(seq);
        if (seq == newestSeq) {
            newestSeq = -1;
            newestFrame = null;
        }
        if (inMemory != null) {
            inMemoryChars -= inMemory.length();
        }
        try {
            Files.deleteIfExists(file(seq));
        } catch (IOException e) {
            LOG.warning(() -> "Could not delete " + file(seq) + " (" + e + "); it may be sent again after a restart");
        }
    }

    public synchronized int size() {
        return pending.size();
    }

    /** Batches dropped since start: oldest ones while full, plus damaged files. */
    public synchronized long dropped() {
        return dropped;
    }

    /**
     * Of {@link #dropped}, the batches that had been handed to a socket (or left by an earlier run): the backend
     * may have stored them when only the ack was lost.
     */
    public synchronized long droppedAfterSending() {
        return droppedAfterSending;
    }

    /** The last seq handed out by {@link #nextSeq}, 0 before the first. */
    public synchronized long lastSeq() {
        return seqs.last();
    }

    public synchronized List<Long> seqs() {
        return List.copyOf(pending.keySet());
    }

    public Path directory() {
        return directory;
    }

    private Path file(long seq) {
        return directory.resolve(String.format("%019d", seq) + SUFFIX);
    }

    private static OptionalLong seqOf(String name) {
        try {
            return OptionalLong.of(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Forced to disk and renamed into place: a crash leaves the old text or the new, and at most a {@code .tmp}. */
    static void writeAtomically(Path target, String text) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            var bytes = java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(target.getParent());
    }

    /**
     * On Linux a rename reaches the disk with its directory: forced, a power cut right after a put keeps the batch.
     * Windows opens no directory as a file (NTFS journals the rename); a file system that cannot force a
     * directory leaves it to the next sync.
     */
    private static void forceDirectory(Path directory) {
        if (WINDOWS) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException unsupported) {
            LOG.fine(() -> "Cannot force directory " + directory + ": " + unsupported);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }

    @Override
    public synchronized void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(lockChannel);
    }
}
