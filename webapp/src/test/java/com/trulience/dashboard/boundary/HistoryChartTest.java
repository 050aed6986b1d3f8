package com.trulience.dashboard.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.trulience.alerts.control.Levels;
import com.trulience.metrics.control.GpuHistory;
import com.trulience.metrics.control.HistoryQuery;
import com.trulience.metrics.entity.Metric;
import com.trulience.workers.entity.CardLimits;
import com.trulience.workers.entity.WorkerGpu;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The worker page's charts from typed history, without a browser. */
class HistoryChartTest {

    private static final Instant SINCE = Instant.parse("2026-11-28T05:00:00Z");
    private static final Instant UNTIL = Instant.parse("2026-11-28T06:00:00Z");
    private static final HistoryQuery QUERY = new HistoryQuery(1, SINCE, UNTIL, null, 360, HistoryQuery.Source.RAW, 0);

    private static GpuHistory.Point point(int minute, Number vramUsedMb, Number powerDrawWatts) {
        return new GpuHistory.Point(SINCE.plusSeconds(60L * minute), 1L, 60L, 60L, 50L, 50L, vramUsedMb, vramUsedMb, 80_000L,
                powerDrawWatts, powerDrawWatts, null);
    }

    private static JsonObject chart(Metric metric, List<GpuHistory> gpus, Optional<Levels> levels) {
        return Json.createReader(new StringReader(HistoryChart.of(metric, QUERY, gpus,
                Map.of(0, new WorkerGpu((short) 0, "H100", null, 700, new CardLimits(87, 92, 1980, 700))), levels, 600_000)))
                .readObject();
    }

    @Test
    void drawsPowerAsAShareOfTheCardsLimitAndLeavesGapsWhereTheCardReportedNone() {
        var gpu = new GpuHistory(0, List.of(point(0, 40_000L, 350L), point(1, 40_000L, null), point(2, 40_000L, 616.7)));
        var data = chart(Metric.POWER_DRAW_PERCENT, List.of(gpu), Optional.empty()).getJsonObject("data")
                .getJsonArray("datasets").getJsonObject(0).getJsonArray("data");
        assertEquals(2, data.size());
        assertEquals(50.0, data.getJsonObject(0).getJsonNumber("y").doubleValue());
        assertEquals(88.1, data.getJsonObject(1).getJsonNumber("y").doubleValue());
        assertEquals(SINCE.plusSeconds(120).toEpochMilli(), data.getJsonObject(1).getJsonNumber("x").longValue());
    }

    @Test
    void aGpuWithoutALimitHasAnEmptyPowerLine() {
        var gpu = new GpuHistory(3, List.of(point(0, 40_000L, 350L)));
        var datasets = chart(Metric.POWER_DRAW_PERCENT, List.of(gpu), Optional.empty()).getJsonObject("data").getJsonArray("datasets");
        assertEquals("GPU 3", datasets.getJsonObject(0).getString("label"));
        assertEquals(0, datasets.getJsonObject(0).getJsonArray("data").size());
    }

    @Test
    void showsEnabledLevelsAcrossTheWholeRangeAndTitlesTheChartByItsMetric() {
        var gpu = new GpuHistory(0, List.of(point(0, 40_000L, 350L)));
        var config = chart(Metric.VRAM_USED_PERCENT, List.of(gpu), Optional.of(new Levels("vram_used_percent", 85, 95, true, false)));
        var datasets = config.getJsonObject("data").getJsonArray("datasets");
        assertEquals(List.of("GPU 0", "Warning 85 %", "Critical 95 %"),
                datasets.getValuesAs(JsonObject.class).stream().map(set -> set.getString("label")).toList());
        var warning = datasets.getJsonObject(1).getJsonArray("data");
        assertEquals(SINCE.toEpochMilli(), warning.getJsonObject(0).getJsonNumber("x").longValue());
        assertEquals(UNTIL.toEpochMilli(), warning.getJsonObject(1).getJsonNumber("x").longValue());
        assertEquals(50.0, datasets.getJsonObject(0).getJsonArray("data").getJsonObject(0).getJsonNumber("y").doubleValue());
        assertEquals("VRAM used", config.getJsonObject("options").getJsonObject("plugins").getJsonObject("title").getString("text"));
        assertEquals(100, config.getJsonObject("options").getJsonObject("scales").getJsonObject("y").getInt("max"));
    }

    @Test
    void aSwitchedOffMetricHasNoLevelLinesAndPowerHasNoFixedTop() {
        var config = chart(Metric.POWER_DRAW_PERCENT, List.of(), Optional.of(new Levels("power_draw_percent", 90, 98, false, true)));
        assertFalse(config.getJsonObject("data").getJsonArray("datasets").iterator().hasNext());
        assertNull(config.getJsonObject("options").getJsonObject("scales").getJsonObject("y").get("max"));
        assertEquals("Power draw (of limit)", config.getJsonObject("options").getJsonObject("plugins").getJsonObject("title")
                .getString("text"));
    }
}
