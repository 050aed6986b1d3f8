package com.trulience.alerts.control;

import com.trulience.alerts.entity.AlertTransition;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Posts each transition to {@code alert.webhook.url} (env ALERT_WEBHOOK_URL), if set. One thread of its own
 * delivers from a delay queue, so a slow or failing receiver never holds up evaluation or ingestion, and a
 * failed post is retried with exponential back-off, a bounded number of times, without blocking the ones behind it.
 */
@ApplicationScoped
public class Webhook {

    static final int ATTEMPTS = 6;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final int QUEUE_LIMIT = 10_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(Webhook.class.getName());

    @Inject
    @ConfigProperty(name = "alert.webhook.url")
    Optional<String> configuredUrl;

    @Resource
    ManagedThreadFactory threads;

    private final DelayQueue<Delivery> queue = new DelayQueue<>();
    private HttpClient http;
    private URI target;
    private Thread sender;

    @PostConstruct
    void start() {
        target = configuredUrl.map(String::strip).filter(url -> !url.isEmpty()).flatMap(Webhook::parse).orElse(null);
        if (target != null) {
            http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
            sender = threads.newThread(this::sendUntilStopped);
            sender.setName("trulience-alert-webhook");
            sender.start();
            LOG.info(() -> "Alert notifications are posted to " + withoutSecrets(target));
        }
    }

    @PreDestroy
    void stop() {
        if (sender != null) {
            sender.interrupt();
        }
    }

    /**
     * What the log may say about the URL: scheme, host and port. Slack and Teams put their secret in the path,
     * others in the user info or the query, so all three stay out.
     */
    static String withoutSecrets(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort()) + "/...";
    }

    /** Empty, with one clear log line, unless the URL is absolute http(s) with a host. */
    static Optional<URI> parse(String url) {
        try {
            var uri = new URI(url);
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (java.net.URISyntaxException malformed) {
            // reported below
        }
        LOG.severe("alert.webhook.url (ALERT_WEBHOOK_URL) is not an http:// or https:// URL with a host; alert webhooks are off until it is fixed");
        return Optional.empty();
    }

    void post(@ObservesAsync AlertTransition transition) {
        if (target == null) {
            return;
        }
        if (queue.size() >= QUEUE_LIMIT) {
            LOG.warning(() -> "Alert webhook queue is full; dropped the notification of alert " + transition.notice().alertId());
            return;
        }
        queue.add(new Delivery(WebhookMessage.json(transition), transition.notice().alertId(), 1, System.nanoTime()));
    }

    private void sendUntilStopped() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                send(queue.take());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Alert webhook sender failed; it goes on with the next notification", e);
            }
        }
    }

    private void send(Delivery delivery) throws InterruptedException {
        String failure;
        try {
            var response = http.send(HttpRequest.newBuilder(target)
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.json()))
                    .build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                return;
            }
            failure = "HTTP " + response.statusCode();
        } catch (IOException e) {
            failure = e.toString();
        }
        if (delivery.attempt() >= ATTEMPTS) {
            String reason = failure;
            LOG.severe(() -> "Gave up posting alert " + delivery.alertId() + " to the webhook after " + ATTEMPTS + " attempts: " + reason);
            return;
        }
        var retry = delivery.retry();
        String reason = failure;
        LOG.warning(() -> "Posting alert " + delivery.alertId() + " to the webhook failed (" + reason + "); attempt "
                + retry.attempt() + " of " + ATTEMPTS + " in " + backoff(delivery.attempt()).toMillis() + " ms");
        queue.add(retry);
    }

    /** 1 s, 2 s, 4 s, ... after the first, second, third failed attempt. */
    static Duration backoff(int failedAttempts) {
        return FIRST_RETRY.multipliedBy(1L << (failedAttempts - 1));
    }

    private record Delivery(String json, long alertId, int attempt, long dueNanos) implements Delayed {

        Delivery retry() {
            return new Delivery(json, alertId, attempt + 1, System.nanoTime() + backoff(attempt).toNanos());
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((Delivery) other).dueNanos);
        }
    }
}
