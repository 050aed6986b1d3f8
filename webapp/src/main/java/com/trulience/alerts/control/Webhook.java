package com.trulience.alerts.control;

import com.trulience.alerts.entity.AlertTransition;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Posts each transition to {@code alert.webhook.url} (env ALERT_WEBHOOK_URL), if set, through an
 * {@link HttpDelivery}: never holding up evaluation or ingestion, retried with back-off.
 */
@ApplicationScoped
public class Webhook {

    static final String SETTING = "alert.webhook.url (ALERT_WEBHOOK_URL)";

    @Inject
    @ConfigProperty(name = "alert.webhook.url")
    Optional<String> configuredUrl;

    @Inject
    HttpDeliveries deliveries;

    private HttpDelivery delivery;

    @PostConstruct
    void start() {
        configuredUrl.map(String::strip).filter(url -> !url.isEmpty())
                .flatMap(url -> HttpDelivery.parse(url, SETTING))
                .ifPresent(target -> delivery = deliveries.start("webhook", target));
    }

    @PreDestroy
    void stop() {
        if (delivery != null) {
            delivery.stop();
        }
    }

    void post(@ObservesAsync AlertTransition transition) {
        if (delivery != null) {
            delivery.offer(WebhookMessage.json(transition), "alert " + transition.notice().alertId());
        }
    }
}
