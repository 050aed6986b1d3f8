package com.trulience.alerts.control;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * JSON documents posted to one HTTP receiver (the alert webhook, Alertmanager) by one thread of its own from a
 * delay queue, so a slow or failing receiver never holds up evaluation or ingestion; a failed post is retried
 * with exponential back-off, a bounded number of times, without blocking the ones behind it. Made by
 * {@link HttpDeliveries}, which counts them.
 */
public final class HttpDelivery {

    static final int ATTEMPTS = 6;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final int QUEUE_LIMIT = 10_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(HttpDelivery.class.getName());

    private final String receiver;
    private final URI target;
    private final CounterDataPoint delivered;
    private final CounterDataPoint failed;
    private final DelayQueue<Delivery> queue = new DelayQueue<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Thread sender;

    HttpDelivery(String receiver, URI target, ThreadFactory threads, CounterDataPoint delivered, CounterDataPoint failed) {
        this.receiver = receiver;
        this.target = target;
        this.delivered = delivered;
        this.failed = failed;
        sender = threads.newThread(this::sendUntilStopped);
        sender.setName("trulience-" + receiver);
        sender.start();
        LOG.info(() -> "Alert notifications for the " + receiver + " are posted to " + target.getScheme() + "://" + target.getAuthority() + "/...");
    }

    /**
     * Empty, with one clear log line naming {@code setting}, unless the URL is absolute http(s) with a host.
     */
    public static Optional<URI> parse(String url, String setting) {
        try {
            var uri = new URI(url);
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (java.net.URISyntaxException malformed) {
            // reported below
        }
        LOG.severe(() -> setting + " is not an http:// or https:// URL with a host; it is ignored until it is fixed");
        return Optional.empty();
    }

    /** Queues one document; {@code what} names it in the log ("alert 17"). Dropped, with a warning, when the queue is full. */
    public void offer(String json, String what) {
        if (queue.size() >= QUEUE_LIMIT) {
            LOG.warning(() -> "The " + receiver + "'s queue is full; dropped the notification of " + what);
            return;
        }
        queue.add(new Delivery(json, what, 1, System.nanoTime()));
    }

    public void stop() {
        sender.interrupt();
    }

    private void sendUntilStopped() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                send(queue.take());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "The " + receiver + "'s sender failed; it goes on with the next notification", e);
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
                delivered.inc();
                return;
            }
            failure = "HTTP " + response.statusCode();
        } catch (IOException e) {
            failure = e.toString();
        }
        failed.inc();
        if (delivery.attempt() >= ATTEMPTS) {
            String reason = failure;
            LOG.severe(() -> "Gave up posting " + delivery.what() + " to the " + receiver + " after " + ATTEMPTS + " attempts: " + reason);
            return;
        }
        var retry = delivery.retry();
        String reason = failure;
        LOG.warning(() -> "Posting " + delivery.what() + " to the " + receiver + " failed (" + reason + "); attempt "
                + retry.attempt() + " of " + ATTEMPTS + " in " + backoff(delivery.attempt()).toMillis() + " ms");
        queue.add(retry);
    }

    /** 1 s, 2 s, 4 s, ... after the first, second, third failed attempt. */
    static Duration backoff(int failedAttempts) {
        return FIRST_RETRY.multipliedBy(1L << (failedAttempts - 1));
    }

    private record Delivery(String json, String what, int attempt, long dueNanos) implements Delayed {

        Delivery retry() {
            return new Delivery(json, what, attempt + 1, System.nanoTime() + backoff(attempt).toNanos());
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
