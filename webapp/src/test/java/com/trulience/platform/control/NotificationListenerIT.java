package com.trulience.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.Await;
import com.trulience.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LISTEN side of ClusterSignals on the real PostgreSQL, without a container. */
class NotificationListenerIT {

    private static final String DATABASE = "trulience_it_listener";
    private static final String CHANNEL = "trulience_it_signals";

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final AtomicInteger connects = new AtomicInteger();
    private String url;
    private Connection publisher;
    private NotificationListener listener;
    private Thread thread;

    @BeforeEach
    void listen() throws Exception {
        url = TestDatabase.recreate(DATABASE);
        publisher = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
        listener = new NotificationListener(() -> {
            connects.incrementAndGet();
            var connection = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
            try (var statement = connection.createStatement()) {
                statement.execute("SET application_name = 'listener under test'");
            }
            return connection;
        }, CHANNEL, received::add);
        thread = new Thread(listener, "listener under test");
        thread.start();
        awaitListening();
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        thread.join(5_000);
        publisher.close();
    }

    @Test
    void hearsANotificationOnlyWhenItsTransactionCommits() throws Exception {
        publisher.setAutoCommit(false);
        notify("rolled back");
        publisher.rollback();
        notify("committed");
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "nothing before the commit");
        publisher.commit();

        assertEquals("committed", received.poll(5, TimeUnit.SECONDS));
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "the rolled-back one never arrives");
    }

    @Test
    void listensAgainAfterItsConnectionIsKilled() throws Exception {
        notify("before");
        assertEquals("before", received.poll(5, TimeUnit.SECONDS));

        try (var statement = publisher.createStatement()) {
            // what a PostgreSQL restart does to the connection, without restarting the shared server
            statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'listener under test'");
        }
        Await.until("a second connection", Duration.ofSeconds(10), () -> connects.get() >= 2);
        awaitListening();
        notify("after");

        assertEquals("after", received.poll(5, TimeUnit.SECONDS));
        assertEquals(2, connects.get(), "one reconnect");
        assertTrue(thread.isAlive());
    }

    @Test
    void aPayloadTheConsumerRejectsDoesNotStopListening() throws Exception {
        listener.close();
        thread.join(5_000);
        var rejecting = new NotificationListener(() -> DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD), CHANNEL,
                payload -> {
                    if (payload.equals("bad")) {
                        throw new IllegalArgumentException("unreadable payload");
                    }
                    received.add(payload);
                });
        listener = rejecting;
        thread = new Thread(rejecting, "rejecting listener");
        thread.start();
        awaitListening();

        notify("bad");
        notify("good");

        assertEquals("good", received.poll(5, TimeUnit.SECONDS));
    }

    private void awaitListening() throws Exception {
        Await.until("the listener listening", Duration.ofSeconds(10), listener::listening);
        assertTrue(listener.listening(), "listening within 10 s");
    }

    private void notify(String payload) throws SQLException {
        try (var statement = publisher.prepareStatement("SELECT pg_notify(?, ?)")) {
            statement.setString(1, CHANNEL);
            statement.setString(2, payload);
            statement.execute();
        }
    }
}
