package com.trulience.retention.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * One retention pass: partitions for the coming hours, every raw hour older than the raw window folded into
 * gpu_metrics_hourly and dropped, late samples in the default partition folded and deleted, hourly summaries
 * older than their window deleted. Running it twice changes nothing the second time.
 */
public final class Retention {

    /** Far enough that a pass that gives up on a busy lock, or passes missed for a day, leave no hour without one. */
    static final int HOURS_AHEAD = 48;
    static final String LOCK_KEY = "hashtext('trulience.retention')";
    private static final int DETACH_ATTEMPTS = 20;
    private static final Duration DETACH_RETRY = Duration.ofMillis(250);
    /** Two hourly slots. */
    public static final Duration STALLED_AFTER = Duration.ofHours(2);
    private static final int CREATE_ATTEMPTS = 3;
    private static final Duration CREATE_RETRY = Duration.ofMillis(200);
    private static final Logger LOG = Logger.getLogger(Retention.class.getName());

    /** What a pass did, for the log line and the tests. */
    public record Summary(int hoursFolded, long rowsFolded, long lateRowsFolded, long hourlyRowsRemoved,
                          int partitionsCreated, int partitionsPostponed, int hoursPostponed, long millis) {

        @Override
        public String toString() {
            return "folded %d raw row(s) of %d hour(s) and %d late row(s) into hourly summaries, removed %d hourly row(s), "
                    .formatted(rowsFolded, hoursFolded, lateRowsFolded, hourlyRowsRemoved)
                    + "created %d partition(s)%s%s in %d ms".formatted(partitionsCreated,
                    partitionsPostponed == 0 ? "" : ", postponed " + partitionsPostponed + " behind a busy lock",
                    hoursPostponed == 0 ? "" : ", postponed " + hoursPostponed + " busy hour(s)", millis);
        }
    }

    private Retention() {
    }

    /**
     * Runs the pass of the schedule slot that {@code now} falls in (its minute) unless another node ran it, or is
     * running a pass now: with every node's timer firing for the same slot, exactly one of them runs it. The slot is
     * claimed in retention_passes, overlapping passes are kept apart by an advisory lock. Empty when this one skipped.
     */
    public static Optional<Summary> runExclusively(Connection connection, Instant now, Duration rawWindow, Duration hourlyWindow,
                                                   String node) throws SQLException {
        if (!flag(connection, "SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
            return Optional.empty();
        }
        try {
            Instant slot = now.truncatedTo(ChronoUnit.MINUTES);
            if (!RetentionSql.claimSlot(connection, slot, node)) {
                return Optional.empty();
            }
            var summary = run(connection, now, rawWindow, hourlyWindow);
            RetentionSql.markCompleted(connection, slot, now);
            return Optional.of(summary);
        } finally {
            flag(connection, "SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
        }
    }

    /**
     * Since when retention has completed no pass, when that is {@link #STALLED_AFTER} or longer: raw samples are
     * then neither folded nor dropped and the default partition may grow. Empty while passes complete.
     */
    public static Optional<Instant> stalledSince(Connection connection, Instant now) throws SQLException {
        return RetentionSql.noPassCompletedSince(connection, now.minus(STALLED_AFTER));
    }

    private static boolean flag(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    /** The partitions of the coming hours, and of the current one's samples that landed in the default partition. */
    public static int createPartitionsAhead(Connection connection, Instant now) throws SQLException {
        return createPartitions(connection, now, now.truncatedTo(ChronoUnit.HOURS)).created();
    }

    private record Created(int created, int postponed) {
    }

    /**
     * Creates what {@link RetentionSql#hoursWithoutPartition} finds missing. When the default partition stays
     * locked by a reader, the rest waits for the next pass: the hours are created well ahead, so none is missed.
     */
    private static Created createPartitions(Connection connection, Instant now, Instant repairFrom) throws SQLException {
        var hours = RetentionSql.hoursWithoutPartition(connection, now, HOURS_AHEAD, repairFrom);
        for (int i = 0; i < hours.size(); i++) {
            if (!createPartition(connection, hours.get(i))) {
                int postponed = hours.size() - i;
                LOG.warning(() -> "Partition DDL gave up behind a long transaction on gpu_metrics; the next pass creates the "
                        + postponed + " partition(s) left");
                return new Created(i, postponed);
            }
        }
        return new Created(hours.size(), 0);
    }

    private static boolean createPartition(Connection connection, Instant hour) throws SQLException {
        for (int attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
            if (RetentionSql.createPartition(connection, hour)) {
                return true;
            }
            if (attempt == CREATE_ATTEMPTS || !pause(CREATE_RETRY)) {
                return false;
            }
        }
        return false;
    }

    public static Summary run(Connection connection, Instant now, Duration rawWindow, Duration hourlyWindow) throws SQLException {
        long start = System.nanoTime();
        Instant rawCutoff = now.minus(rawWindow).truncatedTo(ChronoUnit.HOURS);
        var created = createPartitions(connection, now, rawCutoff);
        int hours = 0;
        int postponed = 0;
        long folded = 0;
        for (String partition : RetentionSql.partitions(connection)) {
            if (RetentionSql.hourOf(partition).plus(1, ChronoUnit.HOURS).isAfter(rawCutoff)) {
                continue;
            }
            if (RetentionSql.isAttached(connection, partition) && !detach(connection, partition)) {
                postponed++;
                continue;
            }
            folded += RetentionSql.foldAndDrop(connection, partition);
            hours++;
        }
        long late = RetentionSql.foldLateSamples(connection, rawCutoff);
        RetentionSql.removeMinutesBefore(connection, rawCutoff);
        RetentionSql.removeComfyUiSamplesBefore(connection, rawCutoff);
        long removed = RetentionSql.removeHourlyBefore(connection, now.minus(hourlyWindow).truncatedTo(ChronoUnit.HOURS));
        return new Summary(hours, folded, late, removed, created.created(), created.postponed(), postponed,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static boolean detach(Connection connection, String partition) throws SQLException {
        for (int attempt = 1; attempt <= DETACH_ATTEMPTS; attempt++) {
            if (RetentionSql.detach(connection, partition)) {
                return true;
            }
            if (!pause(DETACH_RETRY)) {
                return false;
            }
        }
        LOG.warning(() -> "Could not detach " + partition + " without waiting on ingestion; the next pass folds it");
        return false;
    }

    private static boolean pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
