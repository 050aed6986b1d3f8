package com.trulience.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HistoryQueryTest {

    private static final Instant NOW = Instant.parse("2026-11-28T06:00:00Z");
    private static final Instant RAW_START = NOW.minus(Duration.ofHours(24));

    private static HistoryQuery plan(Duration range, int maxPoints, int intervalSeconds) {
        return HistoryQuery.plan(1, NOW.minus(range), NOW, null, maxPoints, RAW_START, intervalSeconds);
    }

    @Test
    void anHourOfFiveSecondSamplesIsReturnedAsIs() {
        var query = plan(Duration.ofHours(1), 2_000, 5);
        assertEquals(HistoryQuery.Source.RAW, query.source());
        assertFalse(query.aggregated());
    }

    @Test
    void aDayOfFiveSecondSamplesIsBucketedToAtMostMaxPointsPerGpu() {
        var query = plan(Duration.ofHours(24), 2_000, 5);
        assertEquals(HistoryQuery.Source.RAW, query.source());
        assertTrue(query.aggregated());
        assertEquals(44, query.bucketSeconds());
        assertTrue(Duration.ofHours(24).toSeconds() / query.bucketSeconds() < 2_000);
    }

    @Test
    void aSlowerAgentNeedsNoBuckets() {
        assertFalse(plan(Duration.ofHours(24), 2_000, 60).aggregated());
    }

    @Test
    void rangesReachingBeyondTheRawWindowUseHourlySummaries() {
        var week = plan(Duration.ofDays(7), 2_000, 5);
        assertEquals(HistoryQuery.Source.HOURLY, week.source());
        assertEquals(3600, week.bucketSeconds());
        var quarter = plan(Duration.ofDays(90), 500, 5);
        assertEquals(5 * 3600, quarter.bucketSeconds());
        assertTrue(90 * 24 / 5 <= 500);
    }

    @Test
    void aBucketedDayFromTheMinutesComesInWholeMinutes() {
        var query = plan(Duration.ofHours(24), 2_000, 5).onMinutes(RAW_START.minusSeconds(1));
        assertEquals(HistoryQuery.Source.MINUTE, query.source());
        assertEquals(60, query.bucketSeconds());
        var week = HistoryQuery.plan(1, NOW.minus(Duration.ofHours(24)), NOW, null, 100, RAW_START, 5).onMinutes(RAW_START);
        assertEquals(15 * 60, week.bucketSeconds(), "864 s buckets round up to whole minutes");
    }

    @Test
    void minutesServeNeitherShortRangesNorRawSamplesNorRangesFromBeforeTheyBegan() {
        assertEquals(HistoryQuery.Source.RAW, plan(Duration.ofHours(2), 100, 5).onMinutes(RAW_START).source(), "2 h keeps finer buckets");
        assertEquals(HistoryQuery.Source.RAW, plan(Duration.ofHours(24), 2_000, 60).onMinutes(RAW_START).source(), "not bucketed");
        assertEquals(HistoryQuery.Source.RAW, plan(Duration.ofHours(24), 2_000, 5).onMinutes(NOW.minus(Duration.ofHours(3))).source(),
                "the range begins before the minutes did");
        var old = HistoryQuery.plan(1, NOW.minus(Duration.ofDays(3)), NOW, null, 2_000, RAW_START, 5);
        assertEquals(HistoryQuery.Source.HOURLY, old.onMinutes(NOW.minus(Duration.ofDays(30))).source());
    }
}
