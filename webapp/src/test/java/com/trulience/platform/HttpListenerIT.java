package com.trulience.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.Deployed;
import com.trulience.testing.TrulienceWar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP listener as server-config/payara-micro-http.asadmin sets it up, seen from a client: no HTTP/2 over
 * cleartext (Payara's Grizzly kept every finished h2c stream, ~16 KB each, so one client's requests grew the heap),
 * and idle connections closed after the 30 s keep-alive timeout, whether they sent a request or nothing at all.
 */
@ExtendWith(ArquillianExtension.class)
class HttpListenerIT extends Deployed {

    private static final String DATABASE = "trulience_it_http_listener";
    private static final Duration STILL_OPEN_AFTER = Duration.ofSeconds(2);
    /** The timeout is 30 s; Grizzly checks it about once a second, and a busy machine may be later still. */
    private static final Duration CLOSED_NOT_BEFORE = Duration.ofSeconds(25);
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(90);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, "http-listener-admin-password", Map.of());
    }

    @Test
    void aClientThatOffersH2cIsAnsweredInHttp11() throws Exception {
        // The JDK client's default: over http:// it asks for the upgrade with Upgrade: h2c.
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        var response = client.send(HttpRequest.newBuilder(new URL(base, "ready").toURI()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_1_1, response.version(), "the upgrade to h2c was accepted: " + response.headers());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{\"status\":\"UP\"}", response.body());
    }

    @Test
    void closesAnIdleKeepAliveConnectionAndOneThatNeverSentARequest() throws Exception {
        try (var afterRequest = connect(); var silent = connect()) {
            long sent = System.nanoTime();
            afterRequest.getOutputStream().write(("GET /ready HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            afterRequest.getOutputStream().flush();

            var answer = new ByteArrayOutputStream();
            assertFalse(readUntilClosed(afterRequest, STILL_OPEN_AFTER, answer),
                    "the server closed the connection right after its answer: " + answer.toString(StandardCharsets.ISO_8859_1));
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 200 "), text);
            assertFalse(text.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), "not a keep-alive answer: " + text);

            assertClosedByTheServer(afterRequest, sent);
            assertClosedByTheServer(silent, sent);
        }
    }

    private void assertClosedByTheServer(Socket socket, long since) throws IOException {
        var left = CLOSED_WITHIN.minusNanos(System.nanoTime() - since);
        var rest = new ByteArrayOutputStream();
        assertTrue(!left.isNegative() && !left.isZero() && readUntilClosed(socket, left, rest),
                "a connection was still open " + CLOSED_WITHIN.toSeconds() + " s after the request");
        var after = Duration.ofNanos(System.nanoTime() - since);
        assertTrue(after.compareTo(CLOSED_NOT_BEFORE) >= 0, "closed after " + after.toMillis() + " ms, before the keep-alive timeout");
        assertEquals(0, rest.size(), rest.toString(StandardCharsets.ISO_8859_1));
    }

    private Socket connect() throws IOException {
        return new Socket(base.getHost(), base.getPort());
    }

    /** Reads into {@code into} until the server closes the connection (true) or nothing arrives for {@code quiet}. */
    private static boolean readUntilClosed(Socket socket, Duration quiet, ByteArrayOutputStream into) throws IOException {
        socket.setSoTimeout((int) Math.max(1, quiet.toMillis()));
        byte[] buffer = new byte[8192];
        try {
            for (int read; (read = socket.getInputStream().read(buffer)) != -1; ) {
                into.write(buffer, 0, read);
            }
            return true;
        } catch (SocketTimeoutException quietFor) {
            return false;
        }
    }
}
