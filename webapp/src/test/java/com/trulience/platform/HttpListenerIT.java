package com.trulience.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.Deployed;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What one client can hold on the HTTP listener (server-config/payara-micro-http.asadmin): no HTTP/2 over cleartext,
 * whose streams Payara's Grizzly kept after they ended (~16 KB each, for good: one client's requests filled the
 * heap), and no connection kept open idle, whether it sent a request, half a request or nothing.
 */
@ExtendWith(ArquillianExtension.class)
class HttpListenerIT extends Deployed {

    private static final String DATABASE = "trulience_it_http_listener";
    /** The keep-alive timeout is 30 s; this leaves room for a slow machine without being a measurement. */
    private static final long CLOSED_WITHIN_SECONDS = 150;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        TestDatabase.recreate(DATABASE);
        return TrulienceWar.withConfig(Map.of(
                "trulience.db.url", TestDatabase.url(DATABASE),
                "trulience.db.user", TestDatabase.USER,
                "trulience.db.password", "unused-with-trust-auth",
                "trulience.admin.password", "it-admin-password"));
    }

    @Test
    void answersAnH2cUpgradeInHttp11() throws Exception {
        try (var socket = connect()) {
            send(socket, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n");
            String answer = readAll(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    @Test
    void closesIdleConnectionsWhateverTheySent() throws Exception {
        var sockets = new ArrayList<Socket>();
        try {
            for (int i = 0; i < 10; i++) {
                sockets.add(connect());
                var afterRequest = connect();
                send(afterRequest, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                sockets.add(afterRequest);
                var halfRequest = connect();
                send(halfRequest, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n");
                sockets.add(halfRequest);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSED_WITHIN_SECONDS);
            for (var socket : sockets) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                socket.setSoTimeout((int) Math.max(1, left));
                try {
                    readAll(socket.getInputStream());
                } catch (SocketTimeoutException stillOpen) {
                    throw new AssertionError("a connection was still open after " + CLOSED_WITHIN_SECONDS + " s", stillOpen);
                }
            }
            assertEquals(30, sockets.size());
        } finally {
            for (var socket : sockets) {
                socket.close();
            }
        }
    }

    private Socket connect() throws IOException {
        return new Socket(base.getHost(), base.getPort());
    }

    private static void send(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Until the server closes the connection (an HTTP/1.1 answer then keeps it open until the keep-alive timeout). */
    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
