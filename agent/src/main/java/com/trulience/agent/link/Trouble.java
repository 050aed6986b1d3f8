package com.trulience.agent.link;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;

/**
 * Why the link went down, and what the operator is told about it: the decisions of {@link Link}'s failure paths,
 * without the socket. A configuration error (the backend refuses the token or the URL) retries slowly and is
 * logged SEVERE; anything else is the network's, retried with back-off and logged as a WARNING.
 */
record Trouble(String why, Kind kind, Duration notBefore) {

    enum Kind { NETWORK, CONFIGURATION }

    Trouble(String why, Kind kind) {
        this(why, kind, Duration.ZERO);
    }

    static Trouble network(String why) {
        return new Trouble(why, Kind.NETWORK);
    }

    /** A network failure told by its exception's class and message, after {@code prefix}. */
    static Trouble failed(String prefix, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return network(prefix + cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message));
    }

    /**
     * A connection silent for three keep-alive periods, or with a batch unacknowledged that long, is given up.
     *
     * @param sinceAck how long the oldest batch in flight has waited for its ack, empty when none is in flight
     */
    static Optional<Trouble> silent(Duration sinceHeard, Optional<Duration> sinceAck, Duration keepAlive) {
        Duration limit = keepAlive.multipliedBy(3);
        if (sinceHeard.compareTo(limit) > 0) {
            return Optional.of(network("no answer from the backend for " + sinceHeard.toSeconds() + " s"));
        }
        return sinceAck.filter(waited -> waited.compareTo(limit) > 0)
                .map(waited -> network("no ack from the backend for " + waited.toSeconds() + " s"));
    }

    /** The backend answered the WebSocket handshake with this HTTP status instead of 101. */
    static Trouble handshake(int status) {
        return handshake(status, Optional.empty());
    }

    /**
     * The backend answered the WebSocket handshake with this HTTP status instead of 101, and this Retry-After in
     * seconds (present with 429). A 429 is the backend's handshake throttle (this worker reconnected faster than an
     * agent does: a second agent with the same token?): retried with back-off, never sooner than it said.
     */
    static Trouble handshake(int status, Optional<String> retryAfter) {
        if (status == 429) {
            Duration wait = retryAfter.filter(seconds -> seconds.matches("[0-9]{1,6}"))
                    .map(seconds -> Duration.ofSeconds(Long.parseLong(seconds))).orElse(Duration.ZERO);
            return new Trouble("the backend throttles this worker's handshakes (HTTP 429): it reconnected faster than"
                    + " an agent does; is a second agent running with the same AGENT_TOKEN?", Kind.NETWORK, wait);
        }
        if (status == 401) {
            return new Trouble("the backend refused AGENT_TOKEN (HTTP 401): check WORKER_ID and AGENT_TOKEN,"
                    + " or get a new token for this worker", Kind.CONFIGURATION);
        }
        if (status == 404) {
            // Payara Micro opens its port before the application is deployed and answers 404 meanwhile: after
            // every backend restart. As a configuration error this cost 60-75 s and a false SEVERE line
            // (scripts/verify-backend-outage); a wrong path also retries, just at the back-off's pace.
            return network("the backend answered the handshake with HTTP 404: it is starting, or BACKEND_WS_URL"
                    + " has a wrong path");
        }
        boolean client = status >= 400 && status < 500;
        return new Trouble("the backend answered the handshake with HTTP " + status
                + (client ? ": check BACKEND_WS_URL" : ""), client ? Kind.CONFIGURATION : Kind.NETWORK);
    }

    /** The backend closed the socket; empty for the normal close that answers the agent's own goodbye. */
    static Optional<Trouble> closed(int code, String reason, boolean agentStopping) {
        if (code == WebSocket.NORMAL_CLOSURE && agentStopping) {
            return Optional.empty();
        }
        String why = "closed by the backend (" + code + (reason.isBlank() ? "" : " " + reason) + ")";
        // 1008: the token was revoked or rotated, or the frames claim another WORKER_ID.
        return Optional.of(code == 1008 ? new Trouble(why + ": check WORKER_ID and AGENT_TOKEN", Kind.CONFIGURATION)
                : network(why));
    }

    boolean configuration() {
        return kind == Kind.CONFIGURATION;
    }

    /**
     * The line for the operator.
     *
     * @param next the node tried next, only when there are several
     */
    String line(boolean wasConnected, URI failed, Optional<URI> next, int outboxSize, Duration slow) {
        String retry = configuration()
                ? "a configuration error; retrying about every " + slow.toSeconds() + " s"
                : "reconnecting with back-off; batches wait in the outbox (" + outboxSize + " now)";
        retry += next.map(url -> "; next try: " + url).orElse("");
        return (wasConnected ? "Disconnected: " : "Cannot connect to " + failed + ": ") + why + "; " + retry;
    }

    /** The same failure on every attempt is one state, shown once; {@code previous} is the last one shown. */
    Level level(Trouble previous) {
        if (previous != null && why.equals(previous.why)) {
            return Level.FINE;
        }
        return configuration() ? Level.SEVERE : Level.WARNING;
    }
}
