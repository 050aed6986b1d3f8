package com.trulience.prometheus.control;

import com.trulience.alerts.control.HttpDeliveries;
import com.trulience.alerts.control.HttpDelivery;
import com.trulience.alerts.entity.AlertTransition;
import com.trulience.platform.control.DatabaseMigration;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends every alert transition to Alertmanager ({@code alertmanager.url}, env ALERTMANAGER_URL: its base URL, e.g.
 * {@code http://alertmanager:9093}) at {@code /api/v2/alerts}, through the same retrying, non-blocking delivery as
 * the webhook. Alertmanager resolves a firing alert by itself once it has not heard of it for its resolve_timeout
 * (5 minutes by default), so every open alert is sent again every {@code alertmanager.resend.seconds} (60), by
 * every node: Alertmanager de-duplicates by labels.
 */
@ApplicationScoped
public class Alertmanager {

    static final String SETTING = "alertmanager.url (ALERTMANAGER_URL)";
    private static final Logger LOG = Logger.getLogger(Alertmanager.class.getName());

    @Inject
    @ConfigProperty(name = "alertmanager.url")
    Optional<String> configuredUrl;

    @Inject
    @ConfigProperty(name = "alertmanager.resend.seconds", defaultValue = "60")
    int resendSeconds;

    /** Where people reach this backend; the alerts' generatorURL links to the worker's page there. */
    @Inject
    @ConfigProperty(name = "trulience.public.url", defaultValue = "http://localhost:8080")
    String publicUrl;

    @Inject
    HttpDeliveries deliveries;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    private HttpDelivery delivery;
    private ScheduledFuture<?> resends;

    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        configuredUrl.map(String::strip).filter(url -> !url.isEmpty())
                .flatMap(url -> HttpDelivery.parse(url, SETTING))
                .map(Alertmanager::alertsApi)
                .ifPresent(target -> {
                    delivery = deliveries.start("alertmanager", target);
                    long every = Math.max(1, resendSeconds);
                    resends = scheduler.scheduleWithFixedDelay(this::resendOpen, every, every, TimeUnit.SECONDS);
                });
    }

    @PreDestroy
    void stop() {
        if (resends != null) {
            resends.cancel(false);
        }
        if (delivery != null) {
            delivery.stop();
        }
    }

    static URI alertsApi(URI base) {
        String path = base.getPath() == null || base.getPath().isEmpty() ? "/" : base.getPath();
        return base.resolve((path.endsWith("/") ? path : path + "/") + "api/v2/alerts");
    }

    void post(@ObservesAsync AlertTransition transition) {
        if (delivery != null) {
            delivery.offer(AlertmanagerMessage.of(transition, publicUrl), "alert " + transition.notice().alertId());
        }
    }

    void resendOpen() {
        try (var connection = dataSource.getConnection()) {
            var open = OpenAlerts.all(connection, Instant.now());
            if (!open.isEmpty()) {
                delivery.offer(AlertmanagerMessage.firing(open, publicUrl), open.size() + " open alert(s)");
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not re-send the open alerts to Alertmanager; the next round tries again", e);
        }
    }
}
