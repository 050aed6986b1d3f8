package com.trulience.prometheus.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.trulience.alerts.entity.Severity;
import com.trulience.alerts.entity.AlertEscalated;
import com.trulience.alerts.entity.AlertNotice;
import com.trulience.alerts.entity.AlertRaised;
import com.trulience.alerts.entity.AlertResolved;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertmanagerMessageTest {

    private static final Instant OPENED = Instant.parse("2026-12-01T12:00:00Z");
    private static final Instant NOW = Instant.parse("2026-12-01T12:03:00Z");

    private static AlertNotice notice(Severity severity) {
        return new AlertNotice(17, 3, "demo-1", 0, "temperature_celsius", severity, 91.0, 85, "temperature 91 °C reached 85", OPENED, NOW);
    }

    private static JsonArray parse(String json) {
        return Json.createReader(new StringReader(json)).readArray();
    }

    @Test
    void firesWithTheRoutingLabelsAndNoEnd() {
        var alert = parse(AlertmanagerMessage.of(new AlertRaised(notice(Severity.CRITICAL)), "http://127.0.0.1:18490/")).getJsonObject(0);
        var labels = alert.getJsonObject("labels");
        assertEquals("temperature_celsius", labels.getString("alertname"));
        assertEquals("demo-1", labels.getString("worker"));
        assertEquals("0", labels.getString("gpu"));
        assertEquals("critical", labels.getString("severity"));
        assertEquals("Temperature on demo-1 GPU 0", alert.getJsonObject("annotations").getString("summary"));
        assertEquals("temperature 91 °C reached 85", alert.getJsonObject("annotations").getString("description"));
        assertEquals("2026-12-01T12:00:00Z", alert.getString("startsAt"));
        assertEquals("http://127.0.0.1:18490/admin/worker.xhtml?id=3", alert.getString("generatorURL"));
        assertFalse(alert.containsKey("endsAt"));
    }

    @Test
    void endsAtTheResolution() {
        var alert = parse(AlertmanagerMessage.of(new AlertResolved(notice(Severity.CRITICAL)), "http://x")).getJsonObject(0);
        assertEquals("2026-12-01T12:03:00Z", alert.getString("endsAt"));
    }

    @Test
    void anEscalationEndsTheWarningAndFiresTheCritical() {
        var alerts = parse(AlertmanagerMessage.of(new AlertEscalated(notice(Severity.CRITICAL)), "http://x"));
        assertEquals(2, alerts.size());
        assertEquals("warning", alerts.getJsonObject(0).getJsonObject("labels").getString("severity"));
        assertEquals("2026-12-01T12:03:00Z", alerts.getJsonObject(0).getString("endsAt"));
        assertEquals("critical", alerts.getJsonObject(1).getJsonObject("labels").getString("severity"));
        assertFalse(alerts.getJsonObject(1).containsKey("endsAt"));
    }

    @Test
    void aWorkersOwnAlertHasNoGpuLabel() {
        var offline = new AlertNotice(5, 3, "demo-1", null, "worker_offline", Severity.CRITICAL, null, null, "silent", OPENED, NOW);
        var labels = parse(AlertmanagerMessage.of(new AlertRaised(offline), "http://x")).getJsonObject(0).getJsonObject("labels");
        assertFalse(labels.containsKey("gpu"));
        assertEquals("worker_offline", labels.getString("alertname"));
    }

    @Test
    void postsToTheApiUnderTheConfiguredBase() {
        assertEquals(URI.create("http://127.0.0.1:9093/api/v2/alerts"), Alertmanager.alertsApi(URI.create("http://127.0.0.1:9093")));
        assertEquals(URI.create("http://am.example/prefix/api/v2/alerts"), Alertmanager.alertsApi(URI.create("http://am.example/prefix/")));
    }
}
