package com.trulience.platform.control;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * A request the domain turns down, and why; the message is what the caller is shown (API detail, page message).
 * ProblemMappers turns it into the HTTP answer, so control code never names a status code. {@code members} are
 * extra fields of that answer, e.g. the restart in the way.
 */
public class Refused extends RuntimeException {

    public enum Reason {
        /** The input breaks a rule (400). */
        INVALID,
        /** What it names does not exist (404). */
        NOT_FOUND,
        /** The current state does not allow it (409). */
        CONFLICT
    }

    private final Reason reason;
    private final transient JsonObject members;

    public Refused(Reason reason, String message) {
        this(reason, message, JsonValue.EMPTY_JSON_OBJECT);
    }

    public Refused(Reason reason, String message, JsonObject members) {
        super(message);
        this.reason = reason;
        this.members = members;
    }

    public Reason reason() {
        return reason;
    }

    public JsonObject members() {
        return members;
    }
}
