package com.trulience.agent.link;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * What {@link Link} sends next on a connection, one text at a time: the {@code hello} whenever it differs from the
 * one this connection was last sent, then the restart statuses waiting, then the outbox's batches in seq order
 * with at most {@value #WINDOW} unacknowledged. Owned by the link thread; no socket in here.
 */
final class SendWindow {

    /** Batches sent and not yet acknowledged at most; the rest wait in the outbox. */
    static final int WINDOW = 64;
    /** Restart statuses kept while the link is down; a restart makes at most five. */
    static final int MAX_STATUSES = 1000;

    /** One text to write; {@link #firstInFlight} says it is a batch and the only one awaiting an ack. */
    record Next(Kind kind, String text, long seq, boolean firstInFlight) {
        enum Kind { HELLO, STATUS, BATCH }
    }

    private final Outbox outbox;
    /**
     * Restart statuses not yet written to a socket, oldest first. In memory, not in the outbox: they only
     * matter while this process carries out the restart, and if it dies the backend fails the restart itself.
     */
    private final ArrayDeque<String> statuses = new ArrayDeque<>();
    private final TreeSet<Long> awaiting = new TreeSet<>();
    private String sentHello;
    private long cursor;

    SendWindow(Outbox outbox) {
        this.outbox = outbox;
    }

    /** A new connection: hello again, and every pending batch again from the oldest. */
    void connected() {
        sentHello = null;
        cursor = 0;
        awaiting.clear();
    }

    /** The connection is gone: nothing is in flight any more. */
    void lost() {
        awaiting.clear();
    }

    /** Keeps a status for the next send; false when the oldest had to be dropped to make room. */
    boolean addStatus(String frame) {
        boolean room = statuses.size() < MAX_STATUSES;
        if (!room) {
            statuses.poll();
        }
        statuses.add(frame);
        return room;
    }

    /**
     * The next text to send given the current hello, empty when there is nothing (or the window is full). A batch
     * counts as in flight from here on; a hello or status is done only once {@link #written} says so.
     */
    Optional<Next> next(String hello) {
        if (!hello.equals(sentHello)) {
            return Optional.of(new Next(Next.Kind.HELLO, hello, 0, false));
        }
        if (!statuses.isEmpty()) {
            return Optional.of(new Next(Next.Kind.STATUS, statuses.peek(), 0, false));
        }
        while (awaiting.size() < WINDOW) {
            OptionalLong seq = outbox.firstAfter(cursor);
            if (seq.isEmpty()) {
                return Optional.empty();
            }
            cursor = seq.getAsLong();
            var frame = outbox.read(cursor);
            if (frame.isPresent()) {
                boolean first = awaiting.isEmpty();
                awaiting.add(cursor);
                outbox.sent(cursor);
                return Optional.of(new Next(Next.Kind.BATCH, frame.get(), cursor, first));
            }
        }
        return Optional.empty();
    }

    /** {@code sent} reached the socket. */
    void written(Next sent) {
        switch (sent.kind()) {
            case HELLO -> sentHello = sent.text();
            case STATUS -> statuses.poll();
            case BATCH -> {
                // in flight since next()
            }
        }
    }

    /** The backend acknowledged or refused {@code seq}. */
    void settled(long seq) {
        awaiting.remove(seq);
    }

    boolean awaitingAck() {
        return !awaiting.isEmpty();
    }

    int inFlight() {
        return awaiting.size();
    }

    int statusesWaiting() {
        return statuses.size();
    }
}
