package com.trulience.dashboard.boundary;

import com.trulience.alerts.boundary.AlertsResource.AlertView;
import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.entity.Alert;
import com.trulience.alerts.entity.Metric;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.metrics.control.HistoryQuery;
import com.trulience.metrics.control.HistoryWriter;
import com.trulience.platform.control.DatabaseMigration;
import com.trulience.restarts.boundary.RestartView;
import com.trulience.restarts.entity.RestartStatus;
import com.trulience.workers.entity.Worker;
import com.trulience.workers.entity.WorkerGpu;
import jakarta.annotation.Resource;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.Serializable;
import java.io.StringReader;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/** One worker: history charts over a chosen range, its alerts and the thresholds in force for it. */
@Named
@ViewScoped
public class WorkerPage implements Serializable {

    /** Points per GPU and chart: enough for a smooth line, few enough for a quick page. */
    static final int CHART_POINTS = 360;
    static final int RESTART_HISTORY = 50;

    public enum Range {
        H1("1h", "1 h", Duration.ofHours(1), Duration.ofMinutes(10)),
        H6("6h", "6 h", Duration.ofHours(6), Duration.ofHours(1)),
        H24("24h", "24 h", Duration.ofHours(24), Duration.ofHours(4)),
        D7("7d", "7 d", Duration.ofDays(7), Duration.ofDays(1));

        private final String param;
        private final String label;
        private final Duration length;
        /** Ticks at whole multiples of this (epoch-aligned, so on the hour or the day in UTC). */
        private final Duration tick;

        Range(String param, String label, Duration length, Duration tick) {
            this.param = param;
            this.label = label;
            this.length = length;
            this.tick = tick;
        }

        public String param() {
            return param;
        }

        public String label() {
            return label;
        }

        static Range of(String param) {
            return Arrays.stream(values()).filter(range -> range.param.equals(param)).findFirst().orElse(H1);
        }
    }

    public record ThresholdRow(String metric, String unit, int warning, int critical, boolean enabled, boolean overridden)
            implements Serializable {
    }

    @PersistenceContext
    transient EntityManager em;

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    transient DataSource dataSource;

    private String id;
    private long workerId;
    private String range;
    private boolean found;
    private String name;
    private String hostname;
    private boolean online;
    private String lastSeen;
    private String agentVersion;
    private String driverVersion;
    private int gpuCount;
    private boolean hasSamples;
    private Map<String, String> charts = Map.of();
    private List<AlertView> alerts = List.of();
    private List<ThresholdRow> thresholds = List.of();
    private List<RestartView> restarts = List.of();
    private RestartProgress latestRestart;

    public void load() {
        var worker = parse(id) == null ? null : em.find(Worker.class, parse(id));
        if (worker == null) {
            FacesContext.getCurrentInstance().getExternalContext().setResponseStatus(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        found = true;
        workerId = worker.id();
        name = worker.name();
        hostname = worker.hostname();
        live(worker);
        agentVersion = worker.agentVersion();
        driverVersion = worker.driverVersion();
        gpuCount = worker.gpus().size();
        var effective = new EffectiveThresholds(em.createNamedQuery(MetricThreshold.ALL, MetricThreshold.class).getResultList());
        thresholds = Arrays.stream(Metric.values())
                .flatMap(metric -> effective.of(workerId, metric.metricName()).stream()
                        .map(l -> new ThresholdRow(metric.metricName(), metric.unit(), l.warning(), l.critical(), l.enabled(), l.overridden())))
                .toList();
        charts(worker, effective);
        alerts = em.createNamedQuery(Alert.LIST, Alert.class)
                .setParameter("state", "all")
                .setParameter("workerId", workerId)
                .setMaxResults(50)
                .getResultStream()
                .map(AlertView::of)
                .toList();
    }

    /** What a push may have changed and the page re-reads without its charts: online state and restarts. */
    public void refresh() {
        var worker = em.find(Worker.class, workerId);
        if (worker != null) {
            live(worker);
        }
    }

    private void live(Worker worker) {
        online = worker.online();
        lastSeen = WorkerCard.time(worker.lastSeenAt() == null ? null : worker.lastSeenAt().toInstant());
        restarts = RestartView.ofWorker(em, workerId, RESTART_HISTORY);
        latestRestart = RestartProgress.latest(restarts);
    }

    private void charts(Worker worker, EffectiveThresholds effective) {
        var selected = Range.of(range);
        Instant now = Instant.now();
        // as the history API: retention keeps raw rows back to the start of the hour that far back
        int rawRetentionHours = ConfigProvider.getConfig().getOptionalValue("metrics.retention.hours", Integer.class).orElse(24);
        var rawWindowStart = now.minus(Duration.ofHours(rawRetentionHours)).truncatedTo(ChronoUnit.HOURS);
        var query = HistoryQuery.plan(workerId, now.minus(selected.length), now, null, CHART_POINTS, rawWindowStart,
                worker.intervalSeconds());
        var text = new StringWriter();
        try (var connection = dataSource.getConnection(); var json = Json.createGenerator(text)) {
            HistoryWriter.write(connection, query, json);
        } catch (SQLException e) {
            throw new IllegalStateException("history query failed", e);
        }
        JsonObject history = Json.createReader(new StringReader(text.toString())).readObject();
        hasSamples = !history.getJsonArray("gpus").isEmpty();
        var powerLimits = new HashMap<Integer, Integer>();
        for (WorkerGpu gpu : worker.gpus()) {
            powerLimits.put((int) gpu.gpuIndex(), gpu.powerLimitWatts());
        }
        var built = new LinkedHashMap<String, String>();
        for (var series : HistoryChart.SERIES) {
            built.put(series.metric(), HistoryChart.of(series, history, powerLimits, effective.of(workerId, series.metric()),
                    selected.tick.toMillis()));
        }
        charts = built;
    }

    public String workerName(long workerId) {
        return name;
    }

    public String metric(String metric) {
        return AlertsPage.metricLabel(metric);
    }

    public String time(OffsetDateTime time) {
        return time == null ? "" : WorkerCard.time(time.toInstant());
    }

    public String restartStatus(String status) {
        return RestartProgress.label(RestartStatus.of(status));
    }

    public List<Range> getRanges() {
        return List.of(Range.values());
    }

    public String getSelectedRange() {
        return Range.of(range).param();
    }

    public String chart(String metric) {
        return charts.get(metric);
    }

    private static Long parse(String id) {
        try {
            return id == null ? null : Long.valueOf(id.trim());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    public String getId() {
        return id;
    }

    public long getWorkerId() {
        return workerId;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getRange() {
        return range;
    }

    public void setRange(String range) {
        this.range = range;
    }

    public boolean isFound() {
        return found;
    }

    public String getName() {
        return name;
    }

    public String getHostname() {
        return hostname;
    }

    public boolean isOnline() {
        return online;
    }

    public String getLastSeen() {
        return lastSeen;
    }

    public String getAgentVersion() {
        return agentVersion;
    }

    public String getDriverVersion() {
        return driverVersion;
    }

    public int getGpuCount() {
        return gpuCount;
    }

    public boolean isHasSamples() {
        return hasSamples;
    }

    public List<AlertView> getAlerts() {
        return alerts;
    }

    public List<ThresholdRow> getThresholds() {
        return thresholds;
    }

    public List<RestartView> getRestarts() {
        return restarts;
    }

    public RestartProgress getLatestRestart() {
        return latestRestart;
    }

    public boolean isRestartBlocked() {
        return WorkerCard.blocksRestart(online, latestRestart);
    }
}
