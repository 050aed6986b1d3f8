package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** What the operator is told when the link goes down, and how fast it retries. */
class TroubleTest {

    private static final URI A = URI.create("ws://10.0.0.1:8080/ws/metrics");
    private static final URI B = URI.create("ws://10.0.0.2:8080/ws/metrics");
    private static final Duration SLOW = Duration.ofSeconds(60);

    @Test
    void aRefusedTokenIsAConfigurationErrorRetriedSlowlyAndLoggedSevere() {
        Trouble trouble = Trouble.handshake(401);

        assertEquals(Trouble.Kind.CONFIGURATION, trouble.kind());
        assertEquals(Level.SEVERE, trouble.level(null));
        assertEquals("Cannot connect to " + A + ": the backend refused AGENT_TOKEN (HTTP 401): check WORKER_ID and"
                + " AGENT_TOKEN, or get a new token for this worker; a configuration error; retrying about every 60 s",
                trouble.line(false, A, Optional.empty(), 0, SLOW));
    }

    @Test
    void http404IsTheNetworksBecausePayaraAnswersItWhileDeploying() {
        Trouble trouble = Trouble.handshake(404);

        assertEquals(Trouble.Kind.NETWORK, trouble.kind());
        assertEquals(Level.WARNING, trouble.level(null));
        assertEquals("Cannot connect to " + A + ": the backend answered the handshake with HTTP 404: it is starting, or"
                + " BACKEND_WS_URL has a wrong path; reconnecting with back-off; batches wait in the outbox (0 now)",
                trouble.line(false, A, Optional.empty(), 0, SLOW));
    }

    @Test
    void otherClientErrorsPointAtTheUrlAndServerErrorsAreTheNetworks() {
        assertEquals(new Trouble("the backend answered the handshake with HTTP 403: check BACKEND_WS_URL",
                Trouble.Kind.CONFIGURATION), Trouble.handshake(403));
        assertEquals(Trouble.network("the backend answered the handshake with HTTP 503"), Trouble.handshake(503));
    }

    @Test
    void closeCode1008NamesTheSettingsAndOthersReconnectWithBackOff() {
        assertEquals(Optional.of(new Trouble("closed by the backend (1008 token rotated): check WORKER_ID and AGENT_TOKEN",
                Trouble.Kind.CONFIGURATION)), Trouble.closed(1008, "token rotated", false));
        Trouble unstored = Trouble.closed(1013, "could not store the batch", false).orElseThrow();
        assertEquals(Trouble.network("closed by the backend (1013 could not store the batch)"), unstored);
        assertEquals("Disconnected: closed by the backend (1013 could not store the batch); reconnecting with back-off;"
                + " batches wait in the outbox (12 now)", unstored.line(true, A, Optional.empty(), 12, SLOW));
        assertEquals(Optional.of(Trouble.network("closed by the backend (1001)")), Trouble.closed(1001, "", false));
    }

    @Test
    void theBackendsAnswerToTheAgentsOwnGoodbyeIsNoTrouble() {
        assertEquals(Optional.empty(), Trouble.closed(1000, "", true));
        assertEquals(Optional.of(Trouble.network("closed by the backend (1000 bye)")), Trouble.closed(1000, "bye", false));
    }

    @Test
    void withSeveralNodesTheLineNamesTheNextOne() {
        assertEquals("Cannot connect to " + A + ": ConnectException; reconnecting with back-off; batches wait in the outbox"
                + " (3 now); next try: " + B, Trouble.network("ConnectException").line(false, A, Optional.of(B), 3, SLOW));
    }

    @Test
    void aFailureIsToldByItsCauseUnwrappedFromTheFutures() {
        var refused = new java.net.ConnectException("Connection refused");
        assertEquals(Trouble.network("ConnectException: Connection refused"),
                Trouble.failed("", new java.util.concurrent.CompletionException(new java.util.concurrent.ExecutionException(refused))));
        assertEquals(Trouble.network("sending failed: IOException"), Trouble.failed("sending failed: ", new java.io.IOException(" ")));
    }

    @Test
    void aConnectionSilentOrUnacknowledgedForThreeKeepAlivesIsGivenUp() {
        Duration keepAlive = Duration.ofSeconds(30);
        assertEquals(Optional.empty(), Trouble.silent(Duration.ofSeconds(90), Optional.of(Duration.ofSeconds(90)), keepAlive),
                "exactly three periods is still alive");
        assertEquals(Optional.of(Trouble.network("no answer from the backend for 91 s")),
                Trouble.silent(Duration.ofMillis(91_500), Optional.of(Duration.ofSeconds(200)), keepAlive), "silence first");
        assertEquals(Optional.of(Trouble.network("no ack from the backend for 95 s")),
                Trouble.silent(Duration.ofSeconds(1), Optional.of(Duration.ofSeconds(95)), keepAlive));
        assertEquals(Optional.empty(), Trouble.silent(Duration.ofSeconds(1), Optional.empty(), keepAlive),
                "nothing in flight: no ack to wait for");
    }

    @Test
    void theSameFailureAgainIsOneStateShownOnce() {
        Trouble refused = Trouble.handshake(401);
        assertEquals(Level.FINE, Trouble.handshake(401).level(refused));
        assertEquals(Level.FINE, Trouble.network("ConnectException").level(Trouble.network("ConnectException")));
        assertEquals(Level.WARNING, Trouble.network("ConnectException").level(refused), "a new failure is shown");
    }
}
