package com.trulience.platform.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;

/**
 * Holds one PostgreSQL connection that LISTENs on a channel and hands each notification's payload on, reconnecting
 * with back-off whenever the connection breaks (PostgreSQL restarted, network). Notifications sent while it was
 * disconnected are lost; what must not depend on them has a slower path (see {@link ClusterSignals}).
 */
public final class NotificationListener implements Runnable, AutoCloseable {

    /** How long one wait for notifications lasts: also how soon {@link #close()} is noticed. */
    static final int WAIT_MILLIS = 500;
    /** A quiet connection is probed this often, so that a half-open one is found and replaced. */
    static final Duration PROBE_EVERY = Duration.ofSeconds(15);
    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration MAX_RETRY = Duration.ofSeconds(15);
    private static final Logger LOG = Logger.getLogger(NotificationListener.class.getName());

    private final Callable<Connection> connect;
    private final String channel;
    private final Consumer<String> payloads;
    private volatile boolean closed;
    private volatile boolean listening;

    /** @param channel a plain lower-case identifier: it is written into the LISTEN statement */
    public NotificationListener(Callable<Connection> connect, String channel, Consumer<String> payloads) {
        if (!channel.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain channel name: " + channel);
        }
        this.connect = connect;
        this.channel = channel;
        this.payloads = payloads;
    }

    @Override
    public void run() {
        Duration retry = FIRST_RETRY;
        String lastFailure = null;
        while (!closed) {
            try (Connection connection = connect.call()) {
                try (var statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                listening = true;
                retry = FIRST_RETRY;
                LOG.log(lastFailure == null ? Level.FINE : Level.INFO, () -> "Listening on channel " + channel + " again");
                lastFailure = null;
                receive(connection);
            } catch (Exception e) {
                listening = false;
                if (closed) {
                    break;
                }
                String failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                // One warning per outage, not one per attempt.
                LOG.log(failure.equals(lastFailure) ? Level.FINE : Level.WARNING, "Lost the connection that listens on channel "
                        + channel + " (" + failure + "); reconnecting with back-off; until then other nodes' signals are missed");
                lastFailure = failure;
                sleep(retry);
                retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
            }
        }
        listening = false;
    }

    private void receive(Connection connection) throws SQLException {
        var pg = connection.unwrap(PGConnection.class);
        long lastHeard = System.nanoTime();
        while (!closed) {
            var notifications = pg.getNotifications(WAIT_MILLIS);
            if (notifications != null && notifications.length > 0) {
                lastHeard = System.nanoTime();
                for (var notification : notifications) {
                    deliver(notification.getParameter());
                }
            } else if (System.nanoTime() - lastHeard > PROBE_EVERY.toNanos()) {
                try (var statement = connection.createStatement()) {
                    statement.execute("SELECT 1");
                }
                lastHeard = System.nanoTime();
            }
        }
    }

    private void deliver(String payload) {
        try {
            payloads.accept(payload);
        } catch (RuntimeException e) {
            // A bad payload must not end the listening thread.
            LOG.log(Level.WARNING, "Could not handle a notification on channel " + channel + ": " + payload, e);
        }
    }

    /** Whether the LISTEN connection is up now. */
    public boolean listening() {
        return listening;
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            // only at shutdown
            closed = true;
            Thread.currentThread().interrupt();
        }
    }

    /** Stops within {@link #WAIT_MILLIS}. */
    @Override
    public void close() {
        closed = true;
    }
}
