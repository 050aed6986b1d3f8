package com.trulience.prometheus.control;

import com.trulience.platform.control.JsonP;
import com.trulience.alerts.entity.Severity;
import com.trulience.alerts.entity.Alert;
import com.trulience.alerts.entity.AlertNotice;
import com.trulience.alerts.entity.AlertTransition;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Collection;

/**
 * Alerts as Alertmanager's API v2 takes them ({@code POST /api/v2/alerts}, an array). Alertmanager tells alerts apart
 * by their labels: alertname (the metric or built-in condition, e.g. {@code temperature_celsius},
 * {@code worker_offline}), worker, gpu (absent for a worker's own alerts) and severity. A firing alert has no
 * endsAt (Alertmanager resolves it by itself after its resolve_timeout unless it is sent again); a resolved one
 * ends at its resolution.
 */
public final class AlertmanagerMessage {

    private AlertmanagerMessage() {
    }

    /**
     * An escalation changes the severity label, so it is a new alert to Alertmanager: the warning is ended with it.
     */
    public static String of(AlertTransition transition, String publicUrl) {
        var notice = transition.notice();
        var alerts = JsonP.PROVIDER.createArrayBuilder();
        switch (transition.kind()) {
            case "resolved" -> alerts.add(alert(notice, notice.severity(), notice.at(), publicUrl));
            case "escalated" -> alerts.add(alert(notice, Severity.WARNING, notice.at(), publicUrl)).add(alert(notice, notice.severity(), null, publicUrl));
            default -> alerts.add(alert(notice, notice.severity(), null, publicUrl));
        }
        return alerts.build().toString();
    }

    /** The re-send of every open alert, firing. */
    public static String firing(Collection<AlertNotice> open, String publicUrl) {
        JsonArrayBuilder alerts = JsonP.PROVIDER.createArrayBuilder();
        open.forEach(notice -> alerts.add(alert(notice, notice.severity(), null, publicUrl)));
        return alerts.build().toString();
    }

    private static JsonObject alert(AlertNotice notice, Severity severity, Instant endsAt, String publicUrl) {
        var labels = JsonP.PROVIDER.createObjectBuilder()
                .add("alertname", notice.metricName())
                .add("worker", notice.workerName() == null ? "worker " + notice.workerId() : notice.workerName())
                .add("severity", severity.wire());
        if (notice.gpuIndex() != null) {
            labels.add("gpu", notice.gpuIndex().toString());
        }
        String what = Alert.label(notice.metricName());
        String summary = what + " on " + (notice.workerName() == null ? "worker " + notice.workerId() : notice.workerName())
                + (notice.gpuIndex() == null ? "" : " GPU " + notice.gpuIndex());
        var alert = JsonP.PROVIDER.createObjectBuilder()
                .add("labels", labels)
                .add("annotations", JsonP.PROVIDER.createObjectBuilder()
                        .add("summary", summary)
                        .add("description", notice.message() == null ? summary : notice.message()))
                .add("startsAt", millis(notice.openedAt() == null ? notice.at() : notice.openedAt()))
                .add("generatorURL", stripSlash(publicUrl) + "/admin/worker.xhtml?id=" + notice.workerId());
        if (endsAt != null) {
            alert.add("endsAt", millis(endsAt));
        }
        return alert.build();
    }

    /** The database keeps microseconds, the event nanoseconds: the same alert must start at the same instant in both. */
    private static String millis(Instant time) {
        return time.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
