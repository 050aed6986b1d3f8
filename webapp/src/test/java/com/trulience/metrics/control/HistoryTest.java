package com.trulience.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How History turns rows into typed series, without the database (HistoryIT runs the SQL). */
class HistoryTest {

    private static final Instant T0 = Instant.parse("2026-11-28T05:00:00Z");

    private static GpuHistory.Point point(int second, Number temperature) {
        return new GpuHistory.Point(T0.plusSeconds(second), 1L, temperature, temperature, 50L, 50L, 40_000L, 40_000L, 81_559L,
                null, null, null);
    }

    @Test
    void rowsOrderedByGpuBecomeOneSeriesPerGpuInOrder() {
        var gpus = new ArrayList<GpuHistory>();
        var grouping = new History.Grouping(gpus::add);
        grouping.add(0, point(0, 60L));
        grouping.add(0, point(5, 61L));
        grouping.add(2, point(0, 70L));
        grouping.finish();

        assertEquals(List.of(0, 2), gpus.stream().map(GpuHistory::gpuIndex).toList());
        assertEquals(List.of(60L, 61L), gpus.get(0).points().stream().map(GpuHistory.Point::temperatureCelsius).toList());
        assertEquals(1, gpus.get(1).points().size());
    }

    @Test
    void noRowsGiveNoSeries() {
        var gpus = new ArrayList<GpuHistory>();
        new History.Grouping(gpus::add).finish();
        assertEquals(List.of(), gpus);
    }

    @Test
    void averagesAreKeptToATenthAndWholeNumbersStayWhole() {
        assertEquals(new BigDecimal("61.3"), History.number(new BigDecimal("61.34999")));
        assertEquals(new BigDecimal("61.4"), History.number(61.35));
        assertEquals(new BigDecimal("41.0"), History.number(41.0));
        assertEquals(61L, History.number(61));
        assertEquals(17_280L, History.number(17_280L));
        assertEquals(Short.valueOf((short) 7).longValue(), History.number((short) 7));
        assertNull(History.number(null));
    }

    /**
     * The API wrote averages as doubles before; as decimals its text is the same for every tenth a GPU reports
     * (below ten million: a double would then switch to 1.0E7, the decimal stays 10000000.0, the same number).
     */
    @Test
    void averagesReadAsTheDoublesTheyWereWrittenAsBefore() {
        for (long tenths = -10_000; tenths <= 3_000_000; tenths++) {
            double average = tenths / 10.0;
            assertEquals(Double.toString(Math.round(average * 10) / 10.0), History.number(average).toString());
        }
    }

    @Test
    void theRawWindowStartsOnTheHourThatRetentionKeeps() {
        assertEquals(Instant.parse("2026-11-27T05:00:00Z"), HistoryQuery.rawWindowStart(Instant.parse("2026-11-28T05:59:59Z"), 24));
        assertEquals(Instant.parse("2026-11-28T04:00:00Z"), HistoryQuery.rawWindowStart(Instant.parse("2026-11-28T05:00:00Z"), 1));
    }
}
