package com.trulience.dashboard.boundary;

import com.trulience.alerts.boundary.AlertsResource.AlertView;
import com.trulience.alerts.entity.Alert;
import com.trulience.workers.entity.Worker;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Named;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Open alerts first, then the most recent resolved ones. */
@Named
@ViewScoped
public class AlertsPage implements Serializable {

    static final int RECENT = 200;

    @PersistenceContext
    transient EntityManager em;

    private List<AlertView> open = List.of();
    private List<AlertView> recent = List.of();
    private final Map<Long, String> workerNames = new HashMap<>();

    public void load() {
        open = list("open");
        recent = list("resolved");
        for (Object[] row : em.createNamedQuery(Worker.NAMES, Object[].class).getResultList()) {
            workerNames.put(((Number) row[0]).longValue(), (String) row[1]);
        }
    }

    private List<AlertView> list(String state) {
        return em.createNamedQuery(Alert.LIST, Alert.class)
                .setParameter("state", state)
                .setParameter("workerId", 0L)
                .setMaxResults(RECENT)
                .getResultStream()
                .map(AlertView::of)
                .toList();
    }

    public String workerName(long workerId) {
        return workerNames.getOrDefault(workerId, "#" + workerId);
    }

    /** Human wording for metric names such as {@code temperature_celsius}. */
    public static String metricLabel(String metric) {
        return switch (metric) {
            case "temperature_celsius" -> "Temperature";
            case "vram_used_percent" -> "VRAM used";
            case "utilization_percent" -> "Utilization";
            case "power_draw_percent" -> "Power draw";
            case Alert.WORKER_OFFLINE -> "Worker offline";
            case Alert.GPU_MISSING -> "GPU missing";
            case Alert.VRAM_FULL -> "VRAM full";
            default -> metric;
        };
    }

    public String metric(String metric) {
        return metricLabel(metric);
    }

    public String time(OffsetDateTime time) {
        return time == null ? "" : WorkerCard.time(time.toInstant());
    }

    public List<AlertView> getOpen() {
        return open;
    }

    public List<AlertView> getRecent() {
        return recent;
    }
}
