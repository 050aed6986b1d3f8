package com.trulience.agent;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JDK HTTP clients of the agent (the link's WebSocket, ComfyUI's API). A JDK client sets TLS up when it is
 * built, whether or not a connection ever uses it: the default SSLContext with its providers, cipher suites and
 * trust store, ~800 classes and ~10 MiB of the agent's RSS (BENCHMARKS.md). A client whose URLs are all plain
 * ws:// or http:// gets a context that refuses every use instead; one wss:// or https:// URL gets the JDK's default.
 */
public final class HttpClients {

    private HttpClients() {
    }

    /** A builder for a client that connects only to {@code urls}. */
    public static HttpClient.Builder builderFor(Collection<URI> urls) {
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (urls.stream().noneMatch(HttpClients::encrypted)) {
            builder.sslContext(new NoTls()).sslParameters(new SSLParameters());
        }
        return builder;
    }

    static boolean encrypted(URI url) {
        return "wss".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme());
    }

    /** Never reached through a plain URL; a clear error should anything try. */
    private static final class NoTls extends SSLContext {
        NoTls() {
            super(new Refusing(), null, "none");
        }
    }

    private static final class Refusing extends SSLContextSpi {
        private static IllegalStateException refused() {
            return new IllegalStateException("TLS is not set up in this client: its URLs are plain ws:// or http://");
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
            throw refused();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw refused();
        }
    }
}
