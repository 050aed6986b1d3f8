package com.trulience.metrics.control;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Which table answers a history request and at what resolution: raw rows while the range lies inside the raw
 * window (or their per-minute summaries, see {@link #onMinutes}), hourly summaries beyond it; time buckets (avg and max) whenever more than {@code maxPoints} points
 * per GPU would come back, by the interval the agent announced ({@link History} checks that against what is stored).
 */
public record HistoryQuery(long workerId, Instant since, Instant until, Integer gpuIndex, int maxPoints,
                           Source source, long bucketSeconds) {

    public enum Source { RAW, MINUTE, HOURLY }

    /** Shorter ranges keep the raw samples' finer buckets (a 2 h chart at 2,000 points has 4 s buckets). */
    static final Duration MINUTES_BEYOND = Duration.ofHours(2);

    public static HistoryQuery plan(long workerId, Instant since, Instant until, Integer gpuIndex, int maxPoints,
                                    Instant rawWindowStart, int sampleIntervalSeconds) {
        long rangeSeconds = Duration.between(since, until).toSeconds();
        if (!since.isBefore(rawWindowStart)) {
            long expectedPoints = rangeSeconds / Math.max(1, sampleIntervalSeconds);
            long bucket = expectedPoints <= maxPoints ? 0 : ceilDiv(rangeSeconds, maxPoints);
            return new HistoryQuery(workerId, since, until, gpuIndex, maxPoints, Source.RAW, bucket);
        }
        long hours = ceilDiv(rangeSeconds, 3600);
        long bucket = hours <= maxPoints ? 3600 : ceilDiv(hours, maxPoints) * 3600;
        return new HistoryQuery(workerId, since, until, gpuIndex, maxPoints, Source.HOURLY, bucket);
    }

    /** Retention drops whole hours, so raw rows reach back to the start of the hour that many hours before now. */
    public static Instant rawWindowStart(Instant now, int rawRetentionHours) {
        return now.minus(Duration.ofHours(rawRetentionHours)).truncatedTo(ChronoUnit.HOURS);
    }

    /** The same range in buckets of at most {@code maxPoints} per GPU: more samples are stored than were announced. */
    public HistoryQuery bucketed() {
        return new HistoryQuery(workerId, since, until, gpuIndex, maxPoints, source,
                ceilDiv(Duration.between(since, until).toSeconds(), maxPoints));
    }

    /**
     * A bucketed range inside the raw window of more than {@link #MINUTES_BEYOND}, that begins once the per-minute
     * summaries did ({@code minutesFrom}), from those summaries in buckets of whole minutes: a day is then
     * 1,440 one-minute points rather than up to {@code maxPoints} shorter ones, read from ~12 times fewer rows. Each
     * minute counts whole, in the bucket its start falls into.
     */
    public HistoryQuery onMinutes(Instant minutesFrom) {
        if (source != Source.RAW || !aggregated() || since.isBefore(minutesFrom)
                || Duration.between(since, until).compareTo(MINUTES_BEYOND) <= 0) {
            return this;
        }
        return new HistoryQuery(workerId, since, until, gpuIndex, maxPoints, Source.MINUTE, ceilDiv(bucketSeconds, 60) * 60);
    }

    /** Whether points are buckets (avg and max) rather than single samples. */
    public boolean aggregated() {
        return bucketSeconds > 0;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
