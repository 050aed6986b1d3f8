package com.trulience.agents.control;

/**
 * A frame that breaks the protocol; {@code field} names the offending field, e.g. metrics[1].utilization_percent,
 * and {@code code} is the error frame's code (README, "Protocol additions").
 */
public class InvalidFrame extends RuntimeException {

    static final String INVALID_PAYLOAD = "invalid_payload";
    static final String INVALID_JSON = "invalid_json";
    static final String UNKNOWN_TYPE = "unknown_type";

    private final String code;
    private final String field;

    InvalidFrame(String field, String message) {
        this(INVALID_PAYLOAD, field, message);
    }

    InvalidFrame(String code, String field, String message) {
        super(field == null ? message : field + " " + message);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
