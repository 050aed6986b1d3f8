package com.trulience.dashboard.boundary;

import com.trulience.platform.control.JsonP;
import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.control.Levels;
import com.trulience.metrics.control.GpuHistory;
import com.trulience.metrics.control.HistoryQuery;
import com.trulience.metrics.entity.ComfyUiSample;
import com.trulience.metrics.entity.Metric;
import com.trulience.workers.entity.WorkerGpu;
import com.trulience.workers.entity.Worker;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One Chart.js line chart of a metric for {@code p:chart}: a series per GPU on a shared time axis, and the warning
 * and critical levels as flat dashed series.
 */
final class HistoryChart {

    private static final String[] COLORS = {"#2563eb", "#7c3aed", "#0891b2", "#db2777", "#059669", "#ea580c", "#4f46e5", "#65a30d"};

    private HistoryChart() {
    }

    /** Every metric's chart of the worker's history, by metric name, with the levels in force for the worker. */
    static Map<String, String> all(Worker worker, HistoryQuery query, List<GpuHistory> gpus, EffectiveThresholds inForce,
                                   long tickMillis) {
        var cards = new HashMap<Integer, WorkerGpu>();
        worker.gpus().forEach(gpu -> cards.put((int) gpu.gpuIndex(), gpu));
        var charts = new LinkedHashMap<String, String>();
        for (var metric : Metric.values()) {
            charts.put(metric.metricName(), of(metric, query, gpus, cards, inForce.of(worker.id(), metric), tickMillis));
        }
        charts.put(SM_CLOCK, health("SM clock", "MHz", query, gpus, point -> number(point.smClockMhz()), tickMillis));
        charts.put(MEMORY_TEMPERATURE, health("Memory temperature", "°C", query, gpus,
                point -> number(point.memoryTemperatureCelsius()), tickMillis));
        return charts;
    }

    /** ComfyUI's jobs running and pending per sample (db/V17), shown beside VRAM; empty when it reported none. */
    static final String COMFYUI_JOBS = "comfyui_jobs";

    static String jobs(HistoryQuery query, List<ComfyUiSample> samples, long tickMillis) {
        var running = JsonP.PROVIDER.createArrayBuilder();
        var pending = JsonP.PROVIDER.createArrayBuilder();
        for (var sample : samples) {
            if (sample.reachable()) {
                running.add(point(sample.recordedAt().toEpochMilli(), sample.jobsRunning()));
                pending.add(point(sample.recordedAt().toEpochMilli(), sample.jobsPending()));
            }
        }
        double radius = samples.size() < 60 ? 2.5 : 0;
        var datasets = JsonP.PROVIDER.createArrayBuilder().add(line("Running", running, COLORS[0], false, radius))
                .add(line("Pending", pending, COLORS[5], false, radius));
        return chart("ComfyUI jobs", "jobs", datasets, query, tickMillis, null);
    }

    /** The charts of health readings that have no thresholds, by these names. */
    static final String SM_CLOCK = "sm_clock_mhz";
    static final String MEMORY_TEMPERATURE = "memory_temperature_celsius";

    /** A series per GPU of a reading without thresholds; a GPU that reports none of it has no line. */
    static String health(String title, String unit, HistoryQuery query, List<GpuHistory> gpus,
                         Function<GpuHistory.Point, Double> reading, long tickMillis) {
        var datasets = JsonP.PROVIDER.createArrayBuilder();
        int color = 0;
        for (var gpu : gpus) {
            var points = JsonP.PROVIDER.createArrayBuilder();
            int count = 0;
            for (var point : gpu.points()) {
                Double value = reading.apply(point);
                if (value != null) {
                    points.add(point(point.time().toEpochMilli(), value));
                    count++;
                }
            }
            if (count > 0) {
                datasets.add(line("GPU " + gpu.gpuIndex(), points, COLORS[color % COLORS.length], false, count < 60 ? 2.5 : 0));
            }
            color++;
        }
        return chart(title, unit, datasets, query, tickMillis, null);
    }

    /**
     * Chart.js configuration (JSON text) of one metric, on a linear time axis in epoch milliseconds: the threshold
     * lines then span the whole range whatever the samples, and trulience.js's extender formats the ticks.
     */
    static String of(Metric metric, HistoryQuery query, List<GpuHistory> gpus, Map<Integer, WorkerGpu> cards,
                     Optional<Levels> levels, long tickMillis) {
        long since = query.since().toEpochMilli();
        long until = query.until().toEpochMilli();
        var datasets = JsonP.PROVIDER.createArrayBuilder();
        int color = 0;
        for (var gpu : gpus) {
            var points = JsonP.PROVIDER.createArrayBuilder();
            for (var point : gpu.points()) {
                Double value = value(metric, point, cards.get(gpu.gpuIndex()));
                if (value != null) {
                    points.add(point(point.time().toEpochMilli(), value));
                }
            }
            // a handful of samples would vanish as a bare line
            datasets.add(line("GPU " + gpu.gpuIndex(), points, COLORS[color++ % COLORS.length], false,
                    gpu.points().size() < 60 ? 2.5 : 0));
        }
        levels.filter(Levels::enabled).ifPresent(l -> {
            datasets.add(line("Warning " + l.warning() + " " + metric.unit(), level(since, until, l.warning()), "#ca8a04", true, 0));
            datasets.add(line("Critical " + l.critical() + " " + metric.unit(), level(since, until, l.critical()), "#dc2626", true, 0));
        });

        // shares of a whole end at 100; a temperature or a draw above the card's limit has no fixed top
        boolean share = metric == Metric.VRAM_USED_PERCENT || metric == Metric.UTILIZATION_PERCENT;
        return chart(metric.chartTitle(), metric.unit(), datasets, query, tickMillis, share ? 100 : null);
    }

    private static String chart(String title, String unit, JsonArrayBuilder datasets, HistoryQuery query, long tickMillis, Integer yMax) {
        long since = query.since().toEpochMilli();
        long until = query.until().toEpochMilli();
        var y = JsonP.PROVIDER.createObjectBuilder().add("beginAtZero", true)
                .add("title", JsonP.PROVIDER.createObjectBuilder().add("display", true).add("text", unit));
        if (yMax != null) {
            y.add("max", yMax);
        }
        return JsonP.PROVIDER.createObjectBuilder()
                .add("type", "line")
                .add("data", JsonP.PROVIDER.createObjectBuilder().add("datasets", datasets))
                .add("options", JsonP.PROVIDER.createObjectBuilder()
                        .add("responsive", true)
                        .add("maintainAspectRatio", false)
                        .add("animation", false)
                        .add("parsing", false)
                        .add("interaction", JsonP.PROVIDER.createObjectBuilder().add("mode", "nearest").add("axis", "x").add("intersect", false))
                        .add("plugins", JsonP.PROVIDER.createObjectBuilder()
                                .add("title", JsonP.PROVIDER.createObjectBuilder().add("display", true).add("text", title)
                                        .add("font", JsonP.PROVIDER.createObjectBuilder().add("size", 14)))
                                .add("legend", JsonP.PROVIDER.createObjectBuilder().add("position", "bottom")
                                        .add("labels", JsonP.PROVIDER.createObjectBuilder().add("boxWidth", 14))))
                        .add("scales", JsonP.PROVIDER.createObjectBuilder()
                                .add("x", JsonP.PROVIDER.createObjectBuilder().add("type", "linear").add("min", since).add("max", until)
                                        .add("ticks", JsonP.PROVIDER.createObjectBuilder().add("stepSize", tickMillis).add("maxRotation", 0)))
                                .add("y", y)))
                .build().toString();
    }

    /** The metric's value at a point (a bucket's average), null where the card reported nothing to derive it from. */
    /** card: as the hello announced it, null for a GPU the last hello did not announce. */
    static Double value(Metric metric, GpuHistory.Point point, WorkerGpu card) {
        return switch (metric) {
            case TEMPERATURE_CELSIUS -> number(point.temperatureCelsius());
            case VRAM_USED_PERCENT -> Metric.vramUsedPercent(point.vramUsedMb(), point.vramTotalMb());
            case UTILIZATION_PERCENT -> number(point.utilizationPercent());
            case POWER_DRAW_PERCENT -> card == null ? null : Metric.powerDrawPercent(point.powerDrawWatts(), card.powerLimitWatts());
            case TEMPERATURE_MARGIN_CELSIUS -> card == null ? null
                    : Metric.temperatureMarginCelsius(card.limits().slowdownTemperatureCelsius(), point.temperatureCelsius());
        };
    }

    private static JsonObject point(long x, double y) {
        return JsonP.PROVIDER.createObjectBuilder().add("x", x).add("y", Math.round(y * 10) / 10.0).build();
    }

    private static JsonArrayBuilder level(long since, long until, int value) {
        return JsonP.PROVIDER.createArrayBuilder().add(point(since, value)).add(point(until, value));
    }

    private static JsonObject line(String label, JsonArrayBuilder data, String color, boolean threshold, double pointRadius) {
        var line = JsonP.PROVIDER.createObjectBuilder().add("label", label).add("data", data)
                .add("borderColor", color).add("backgroundColor", color)
                .add("borderWidth", threshold ? 1.5 : 2).add("pointRadius", pointRadius).add("spanGaps", false)
                .add("fill", false).add("tension", threshold ? 0 : 0.25);
        if (threshold) {
            line.add("borderDash", JsonP.PROVIDER.createArrayBuilder().add(6).add(4));
        }
        return line.build();
    }

    private static Double number(Number value) {
        return value == null ? null : value.doubleValue();
    }
}
