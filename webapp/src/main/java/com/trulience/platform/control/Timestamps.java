package com.trulience.platform.control;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/**
 * A {@code timestamptz} column of a native query as an instant. The JPA providers hand it over as different types:
 * EclipseLink (Payara) as {@link java.sql.Timestamp} or {@link OffsetDateTime}, Hibernate 6 (WildFly) as
 * {@link Instant} (or a zoned value): each place that read it knew only some, and on WildFly the offline alert's
 * transition failed with "unexpected timestamp type".
 */
public final class Timestamps {

    private Timestamps() {
    }

    /** Null for SQL NULL. */
    public static Instant instant(Object column) {
        if (column == null) {
            return null;
        }
        if (column instanceof Instant value) {
            return value;
        }
        if (column instanceof java.sql.Timestamp value) {
            return value.toInstant();
        }
        if (column instanceof OffsetDateTime value) {
            return value.toInstant();
        }
        if (column instanceof ZonedDateTime value) {
            return value.toInstant();
        }
        throw new IllegalStateException("a timestamptz column came as " + column.getClass().getName() + ": " + column);
    }
}
