package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the link sends next, on a real outbox, without a socket. */
class SendWindowTest {

    private static final String HELLO = "{\"type\":\"hello\",\"worker_id\":7}";

    @TempDir
    Path directory;

    private Outbox outbox;
    private SendWindow window;

    @BeforeEach
    void open() {
        outbox = Outbox.open(directory, 1000);
        window = new SendWindow(outbox);
    }

    @AfterEach
    void close() {
        outbox.close();
    }

    private static String batch(long seq) {
        return "{\"type\":\"gpu_metrics\",\"worker_id\":7,\"seq\":" + seq + ",\"timestamp\":\"2026-11-28T05:00:00Z\",\"metrics\":[]}";
    }

    private void put(int count) {
        for (int i = 0; i < count; i++) {
            long seq = outbox.nextSeq();
            outbox.put(seq, batch(seq));
        }
    }

    /** Takes and writes what comes next until the window has nothing more. */
    private List<SendWindow.Next> drain(String hello) {
        var sent = new ArrayList<SendWindow.Next>();
        for (Optional<SendWindow.Next> next = window.next(hello); next.isPresent(); next = window.next(hello)) {
            window.written(next.get());
            sent.add(next.get());
        }
        return sent;
    }

    @Test
    void sendsHelloFirstThenTheBatchesOldestFirstTheFirstOneMarkedAsTheStartOfTheWait() {
        put(3);

        List<SendWindow.Next> sent = drain(HELLO);

        assertEquals(List.of(new SendWindow.Next(SendWindow.Next.Kind.HELLO, HELLO, 0, false),
                new SendWindow.Next(SendWindow.Next.Kind.BATCH, batch(1), 1, true),
                new SendWindow.Next(SendWindow.Next.Kind.BATCH, batch(2), 2, false),
                new SendWindow.Next(SendWindow.Next.Kind.BATCH, batch(3), 3, false)), sent);
        assertEquals(3, window.inFlight());
    }

    @Test
    void sendsTheHelloAgainOnlyWhenItChangedOrOnANewConnection() {
        assertEquals(1, drain(HELLO).size());
        assertEquals(List.of(), drain(HELLO), "the same hello is not sent twice");

        String changed = HELLO.replace("7", "8");
        assertEquals(List.of(new SendWindow.Next(SendWindow.Next.Kind.HELLO, changed, 0, false)), drain(changed));

        window.connected();
        assertEquals(List.of(new SendWindow.Next(SendWindow.Next.Kind.HELLO, changed, 0, false)), drain(changed));
    }

    @Test
    void aHelloOrStatusNotYetWrittenIsOfferedAgain() {
        var first = window.next(HELLO).orElseThrow();
        assertEquals(first, window.next(HELLO).orElseThrow(), "not written: still next");
        window.written(first);
        window.addStatus("status 1");
        var status = window.next(HELLO).orElseThrow();
        assertEquals(new SendWindow.Next(SendWindow.Next.Kind.STATUS, "status 1", 0, false), status);
        assertEquals(status, window.next(HELLO).orElseThrow());
        window.written(status);
        assertEquals(0, window.statusesWaiting());
    }

    @Test
    void sendsWaitingRestartStatusesAfterTheHelloAndBeforeTheBatches() {
        put(1);
        window.addStatus("stopping");
        window.addStatus("completed");

        assertEquals(List.of(SendWindow.Next.Kind.HELLO, SendWindow.Next.Kind.STATUS, SendWindow.Next.Kind.STATUS,
                SendWindow.Next.Kind.BATCH), drain(HELLO).stream().map(SendWindow.Next::kind).toList());
    }

    @Test
    void keepsAtMostTheNewestThousandStatusesAndSaysWhenItDropsOne() {
        for (int i = 1; i <= SendWindow.MAX_STATUSES; i++) {
            assertTrue(window.addStatus("status " + i));
        }
        assertFalse(window.addStatus("status 1001"), "the oldest made room");
        assertEquals(SendWindow.MAX_STATUSES, window.statusesWaiting());

        List<SendWindow.Next> sent = drain(HELLO);
        assertEquals("status 2", sent.get(1).text());
        assertEquals("status 1001", sent.get(sent.size() - 1).text());
    }

    @Test
    void holdsAtMost64BatchesUnacknowledgedAndSendsTheNextOnAnAck() {
        put(70);

        List<SendWindow.Next> sent = drain(HELLO);
        assertEquals(1 + SendWindow.WINDOW, sent.size());
        assertEquals(64, sent.get(sent.size() - 1).seq());
        assertEquals(SendWindow.WINDOW, window.inFlight());

        window.settled(5);
        outbox.remove(5);
        assertEquals(List.of(65L), drain(HELLO).stream().map(SendWindow.Next::seq).toList(), "one acked, one more");
    }

    @Test
    void aNewConnectionSendsEveryPendingBatchAgainFromTheOldest() {
        put(3);
        drain(HELLO);
        window.settled(1);
        outbox.remove(1);

        window.lost();
        assertFalse(window.awaitingAck(), "nothing in flight on a lost connection");
        window.connected();

        List<SendWindow.Next> sent = drain(HELLO);
        assertEquals(List.of(0L, 2L, 3L), sent.stream().map(SendWindow.Next::seq).toList());
        assertTrue(sent.get(1).firstInFlight());
    }

    @Test
    void movesPastABatchFileThatIsDamagedOrGone() throws Exception {
        put(3);
        java.nio.file.Files.writeString(directory.resolve(String.format("%019d.json", 2)), "{\"type\":\"gpu_metrics\",\"seq\":9}");

        assertEquals(List.of(0L, 1L, 3L), drain(HELLO).stream().map(SendWindow.Next::seq).toList());
        assertEquals(1, outbox.dropped());
    }
}
