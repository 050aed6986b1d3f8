package com.trulience.restarts.control;

import com.trulience.platform.control.Refused;

/** A status report that the restart log turns down; {@code field} names the part of the report at fault. */
public class StatusRefused extends Refused {

    private final String field;

    public StatusRefused(String field, String message) {
        super(Reason.INVALID, message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
