package com.trulience.alerts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.alerts.entity.Severity;
import com.trulience.alerts.entity.AlertNotice;
import com.trulience.alerts.entity.AlertRaised;
import com.trulience.alerts.entity.AlertResolved;
import jakarta.json.Json;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookMessageTest {

    private static final Instant AT = Instant.parse("2026-11-28T05:00:00Z");

    @Test
    void carriesATextThatChatWebhooksDisplayAndTheStructuredFields() {
        var notice = new AlertNotice(42, 7, "gpu-07", 0, "temperature_celsius", Severity.CRITICAL, 86.0, 85,
                "GPU 0 temperature_celsius 86 °C >= critical 85 °C", AT, AT);
        var json = Json.createReader(new StringReader(WebhookMessage.json(new AlertRaised(notice)))).readObject();
        assertEquals("[CRITICAL raised] gpu-07: GPU 0 temperature_celsius 86 °C >= critical 85 °C", json.getString("text"));
        assertEquals("raised", json.getString("event"));
        assertEquals(42, json.getInt("alert_id"));
        assertEquals(7, json.getInt("worker_id"));
        assertEquals(0, json.getInt("gpu_index"));
        assertEquals("open", json.getString("state"));
        assertEquals(86.0, json.getJsonNumber("value").doubleValue());
        assertEquals(85, json.getInt("threshold_value"));
        assertEquals("2026-11-28T05:00:00Z", json.getString("opened_at"));
    }

    @Test
    void writesNullsForAWorkerLevelAlertWithoutValue() {
        var notice = new AlertNotice(1, 7, null, null, "worker_offline", Severity.CRITICAL, null, null, "resolved: worker is online again", AT, AT);
        var json = Json.createReader(new StringReader(WebhookMessage.json(new AlertResolved(notice)))).readObject();
        assertTrue(json.isNull("gpu_index"));
        assertTrue(json.isNull("value"));
        assertEquals("resolved", json.getString("state"));
        assertEquals("[CRITICAL resolved] worker 7: resolved: worker is online again", json.getString("text"));
    }

    @Test
    void acceptsOnlyHttpAndHttpsUrlsWithAHost() {
        assertTrue(HttpDelivery.parse("https://hooks.slack.com/services/T/B/x", Webhook.SETTING).isPresent());
        assertTrue(HttpDelivery.parse("http://127.0.0.1:9000/hook", Webhook.SETTING).isPresent());
        assertTrue(HttpDelivery.parse("file:///etc/passwd", Webhook.SETTING).isEmpty());
        assertTrue(HttpDelivery.parse("ftp://example.com/x", Webhook.SETTING).isEmpty());
        assertTrue(HttpDelivery.parse("not a url", Webhook.SETTING).isEmpty());
        assertTrue(HttpDelivery.parse("http:/no-host", Webhook.SETTING).isEmpty());
    }

    @Test
    void backsOffExponentially() {
        assertEquals(Duration.ofSeconds(1), HttpDelivery.backoff(1));
        assertEquals(Duration.ofSeconds(2), HttpDelivery.backoff(2));
        assertEquals(Duration.ofSeconds(16), HttpDelivery.backoff(5));
    }
}
