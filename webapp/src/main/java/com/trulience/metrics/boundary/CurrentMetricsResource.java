package com.trulience.metrics.boundary;

import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.metrics.entity.LatestGpuMetric;
import com.trulience.workers.entity.Worker;
import com.trulience.workers.entity.WorkerGpu;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The fleet now, in one call: {@code GET /api/v1/admin/workers/metrics/current}. Reads the small latest-sample
 * table, never gpu_metrics, so its cost does not grow with history.
 */
@Path("v1/admin/workers/metrics/current")
@Produces(MediaType.APPLICATION_JSON)
public class CurrentMetricsResource {

    @PersistenceContext
    EntityManager em;

    public record Threshold(int warning, int critical) {
    }

    public record Gpu(int gpuIndex, String name, Integer powerLimitWatts, OffsetDateTime recordedAt, int vramUsedMb,
                      int vramTotalMb, double vramUsedPercent, int temperatureCelsius, int utilizationPercent,
                      Integer powerDrawWatts, Double powerDrawPercent, Integer fanSpeedPercent) {
    }

    public record WorkerNow(long id, String name, String status, OffsetDateTime lastSeenAt,
                            Map<String, Threshold> thresholds, List<Gpu> gpus) {
    }

    public record Fleet(OffsetDateTime generatedAt, List<WorkerNow> workers) {
    }

    @GET
    public Fleet current() {
        var latest = em.createNamedQuery(LatestGpuMetric.ALL, LatestGpuMetric.class).getResultList().stream()
                .collect(Collectors.groupingBy(metric -> metric.key().workerId()));
        var thresholds = em.createNamedQuery(MetricThreshold.ALL, MetricThreshold.class).getResultList();
        var workers = em.createNamedQuery(Worker.ALL, Worker.class).getResultStream()
                .map(worker -> new WorkerNow(worker.id(), worker.name(), worker.online() ? "online" : "offline",
                        worker.lastSeenAt(), effective(thresholds, worker.id()),
                        latest.getOrDefault(worker.id(), List.of()).stream().map(metric -> gpu(metric, worker)).toList()))
                .toList();
        return new Fleet(OffsetDateTime.now(), workers);
    }

    /** A worker's own row wins over the global one; a disabled metric has no thresholds. */
    static Map<String, Threshold> effective(List<MetricThreshold> all, long workerId) {
        var effective = new LinkedHashMap<String, MetricThreshold>();
        all.stream().filter(t -> t.workerId() == null).forEach(t -> effective.put(t.metricName(), t));
        all.stream().filter(t -> t.workerId() != null && t.workerId() == workerId).forEach(t -> effective.put(t.metricName(), t));
        var result = new LinkedHashMap<String, Threshold>();
        effective.forEach((metric, t) -> {
            if (t.enabled()) {
                result.put(metric, new Threshold(t.warningValue(), t.criticalValue()));
            }
        });
        return result;
    }

    private static Gpu gpu(LatestGpuMetric metric, Worker worker) {
        var announced = worker.gpus().stream().filter(g -> g.gpuIndex() == metric.key().gpuIndex()).findFirst();
        Integer limit = announced.map(WorkerGpu::powerLimitWatts).orElse(null);
        Integer power = metric.powerDrawWatts() == null ? null : metric.powerDrawWatts().intValue();
        return new Gpu(metric.key().gpuIndex(), announced.map(WorkerGpu::name).orElse(null), limit, metric.recordedAt(),
                metric.vramUsedMb(), metric.vramTotalMb(), percent(metric.vramUsedMb(), metric.vramTotalMb()),
                metric.temperatureCelsius(), metric.utilizationPercent(), power,
                power == null || limit == null || limit == 0 ? null : percent(power, limit),
                metric.fanSpeedPercent() == null ? null : metric.fanSpeedPercent().intValue());
    }

    private static double percent(int part, int whole) {
        return Math.round(1000.0 * part / whole) / 10.0;
    }
}
