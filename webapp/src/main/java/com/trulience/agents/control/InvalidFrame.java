package com.trulience.agents.control;

/** A frame that breaks the protocol; {@code field} names the offending field, e.g. metrics[1].utilization_percent. */
public class InvalidFrame extends RuntimeException {

    private final String field;

    public InvalidFrame(String field, String message) {
        super(field == null ? message : field + " " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
