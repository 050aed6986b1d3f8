package com.trulience.agent;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** Plain URLs get a client without TLS; an encrypted one the JDK's default TLS (LinkTest connects over ws://). */
class HttpClientsTest {

    @Test
    void aClientForPlainUrlsRefusesTlsWithAClearError() throws Exception {
        HttpClient client = HttpClients.builderFor(List.of(URI.create("ws://127.0.0.1:1/ws/metrics"),
                URI.create("http://127.0.0.1:8188/"))).build();
        assertNotSame(SSLContext.getDefault(), client.sslContext());
        try (var listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var handshake = client.newWebSocketBuilder()
                    .buildAsync(URI.create("wss://127.0.0.1:" + listening.getLocalPort() + "/"), new WebSocket.Listener() {
                    });

            var failure = assertThrows(ExecutionException.class, () -> handshake.get(30, TimeUnit.SECONDS)).getCause();
            assertInstanceOf(IllegalStateException.class, failure);
            assertTrue(failure.getMessage().contains("TLS is not set up"), failure.getMessage());
        }
    }

    @Test
    void oneEncryptedUrlGetsTheJdksDefaultTls() throws Exception {
        for (String encrypted : List.of("wss://monitor.example.com/ws/metrics", "HTTPS://comfy.example.com/")) {
            HttpClient client = HttpClients.builderFor(List.of(URI.create("ws://127.0.0.1:1/ws/metrics"),
                    URI.create(encrypted))).build();
            assertSame(SSLContext.getDefault(), client.sslContext(), encrypted);
        }
    }
}
