package com.trulience.dashboard.boundary;

import com.trulience.alerts.control.Levels;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the history API's columnar JSON into one Chart.js line chart per metric for {@code p:chart}: a series per GPU
 * on shared time labels, and the warning and critical levels as flat dashed series.
 */
final class HistoryChart {

    /** A charted metric: how to read a point of one GPU (its columns and row), scale and unit. */
    record Series(String metric, String title, String unit, Integer max, PointReader reader) {
    }

    @FunctionalInterface
    interface PointReader {
        Double read(JsonObject gpu, int row, Integer powerLimitWatts);
    }

    static final List<Series> SERIES = List.of(
            new Series("temperature_celsius", "Temperature", "°C", null, (gpu, row, limit) -> number(gpu, "temperature_celsius", row)),
            new Series("vram_used_percent", "VRAM used", "%", 100, (gpu, row, limit) -> ratio(number(gpu, "vram_used_mb", row),
                    number(gpu, "vram_total_mb", row))),
            new Series("utilization_percent", "Utilization", "%", 100, (gpu, row, limit) -> number(gpu, "utilization_percent", row)),
            new Series("power_draw_percent", "Power draw (of limit)", "%", null, (gpu, row, limit) -> ratio(
                    number(gpu, "power_draw_watts", row), limit == null ? null : limit.doubleValue())));

    private static final String[] COLORS = {"#2563eb", "#7c3aed", "#0891b2", "#db2777", "#059669", "#ea580c", "#4f46e5", "#65a30d"};

    private HistoryChart() {
    }

    /**
     * Chart.js configuration (JSON text) of one metric, on a linear time axis in epoch milliseconds: the threshold
     * lines then span the whole range whatever the samples, and trulience.js's extender formats the ticks.
     */
    static String of(Series series, JsonObject history, Map<Integer, Integer> powerLimits, Optional<Levels> levels,
                     long tickMillis) {
        long since = Instant.parse(history.getString("since")).toEpochMilli();
        long until = Instant.parse(history.getString("until")).toEpochMilli();
        var datasets = Json.createArrayBuilder();
        int color = 0;
        for (var gpu : history.getJsonArray("gpus").getValuesAs(JsonObject.class)) {
            int gpuIndex = gpu.getInt("gpu_index");
            var points = Json.createArrayBuilder();
            var times = gpu.getJsonArray("time");
            for (int row = 0; row < times.size(); row++) {
                Double value = series.reader().read(gpu, row, powerLimits.get(gpuIndex));
                if (value != null) {
                    points.add(point(Instant.parse(times.getString(row)).toEpochMilli(), value));
                }
            }
            // a handful of samples would vanish as a bare line
            datasets.add(line("GPU " + gpuIndex, points, COLORS[color++ % COLORS.length], false, times.size() < 60 ? 2.5 : 0));
        }
        levels.filter(Levels::enabled).ifPresent(l -> {
            datasets.add(line("Warning " + l.warning() + " " + series.unit(), level(since, until, l.warning()), "#ca8a04", true, 0));
            datasets.add(line("Critical " + l.critical() + " " + series.unit(), level(since, until, l.critical()), "#dc2626", true, 0));
        });

        var y = Json.createObjectBuilder().add("beginAtZero", true)
                .add("title", Json.createObjectBuilder().add("display", true).add("text", series.unit()));
        if (series.max() != null) {
            y.add("max", series.max());
        }
        return Json.createObjectBuilder()
                .add("type", "line")
                .add("data", Json.createObjectBuilder().add("datasets", datasets))
                .add("options", Json.createObjectBuilder()
                        .add("responsive", true)
                        .add("maintainAspectRatio", false)
                        .add("animation", false)
                        .add("parsing", false)
                        .add("interaction", Json.createObjectBuilder().add("mode", "nearest").add("axis", "x").add("intersect", false))
                        .add("plugins", Json.createObjectBuilder()
                                .add("title", Json.createObjectBuilder().add("display", true).add("text", series.title())
                                        .add("font", Json.createObjectBuilder().add("size", 14)))
                                .add("legend", Json.createObjectBuilder().add("position", "bottom")
                                        .add("labels", Json.createObjectBuilder().add("boxWidth", 14))))
                        .add("scales", Json.createObjectBuilder()
                                .add("x", Json.createObjectBuilder().add("type", "linear").add("min", since).add("max", until)
                                        .add("ticks", Json.createObjectBuilder().add("stepSize", tickMillis).add("maxRotation", 0)))
                                .add("y", y)))
                .build().toString();
    }

    private static JsonObject point(long x, double y) {
        return Json.createObjectBuilder().add("x", x).add("y", Math.round(y * 10) / 10.0).build();
    }

    private static JsonArrayBuilder level(long since, long until, int value) {
        return Json.createArrayBuilder().add(point(since, value)).add(point(until, value));
    }

    private static JsonObject line(String label, JsonArrayBuilder data, String color, boolean threshold, double pointRadius) {
        var line = Json.createObjectBuilder().add("label", label).add("data", data)
                .add("borderColor", color).add("backgroundColor", color)
                .add("borderWidth", threshold ? 1.5 : 2).add("pointRadius", pointRadius).add("spanGaps", false)
                .add("fill", false).add("tension", threshold ? 0 : 0.25);
        if (threshold) {
            line.add("borderDash", Json.createArrayBuilder().add(6).add(4));
        }
        return line.build();
    }

    private static Double number(JsonObject gpu, String column, int row) {
        var values = gpu.getJsonArray(column);
        return values == null || values.isNull(row) ? null : ((JsonNumber) values.get(row)).doubleValue();
    }

    private static Double ratio(Double part, Double whole) {
        return part == null || whole == null || whole == 0 ? null : 100 * part / whole;
    }
}
