package com.trulience.alerts.control;

import com.trulience.platform.control.JsonP;
import com.trulience.alerts.entity.AlertTransition;
import jakarta.json.JsonObjectBuilder;

/**
 * The JSON document a webhook receives per transition: {@code text} is what Slack and Teams incoming webhooks
 * display; the other fields are for receivers that route or de-duplicate by themselves.
 */
public final class WebhookMessage {

    private WebhookMessage() {
    }

    public static String text(AlertTransition transition) {
        var notice = transition.notice();
        String worker = notice.workerName() == null ? "worker " + notice.workerId() : notice.workerName();
        return "[" + notice.severity().wire().toUpperCase(java.util.Locale.ROOT) + " " + transition.kind() + "] "
                + worker + ": " + notice.message();
    }

    public static String json(AlertTransition transition) {
        var notice = transition.notice();
        var json = JsonP.PROVIDER.createObjectBuilder()
                .add("text", text(transition))
                .add("event", transition.kind())
                .add("alert_id", notice.alertId())
                .add("worker_id", notice.workerId());
        addOrNull(json, "worker_name", notice.workerName());
        if (notice.gpuIndex() == null) {
            json.addNull("gpu_index");
        } else {
            json.add("gpu_index", notice.gpuIndex());
        }
        json.add("metric_name", notice.metricName())
                .add("severity", notice.severity().wire())
                .add("state", transition.kind().equals("resolved") ? "resolved" : "open");
        if (notice.value() == null) {
            json.addNull("value");
        } else {
            json.add("value", notice.value());
        }
        if (notice.thresholdValue() == null) {
            json.addNull("threshold_value");
        } else {
            json.add("threshold_value", notice.thresholdValue());
        }
        addOrNull(json, "message", notice.message());
        addOrNull(json, "opened_at", notice.openedAt() == null ? null : notice.openedAt().toString());
        json.add("at", notice.at().toString());
        return json.build().toString();
    }

    private static void addOrNull(JsonObjectBuilder json, String name, String value) {
        if (value == null) {
            json.addNull(name);
        } else {
            json.add(name, value);
        }
    }
}
