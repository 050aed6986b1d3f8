package com.trulience.alerts.control;

import com.trulience.platform.control.BackendFigures;
import io.prometheus.metrics.core.metrics.Counter;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;

/** Starts the {@link HttpDelivery} of each notification receiver, all counted in the same two figures by receiver. */
@ApplicationScoped
public class HttpDeliveries {

    @Inject
    BackendFigures figures;

    @Resource
    ManagedThreadFactory threads;

    private Counter delivered;
    private Counter failed;

    @PostConstruct
    void registerFigures() {
        delivered = figures.register(Counter.builder().name("trulience_backend_webhook_deliveries")
                .help("Alert notifications a receiver accepted (2xx), by receiver: webhook or alertmanager")
                .labelNames("receiver").withoutExemplars());
        failed = figures.register(Counter.builder().name("trulience_backend_webhook_failures")
                .help("Failed posts of alert notifications (each retry counts), by receiver")
                .labelNames("receiver").withoutExemplars());
    }

    /** {@code receiver} names it in logs, figures and its thread. */
    public HttpDelivery start(String receiver, URI target) {
        return new HttpDelivery(receiver, target, threads, delivered.labelValues(receiver), failed.labelValues(receiver));
    }
}
