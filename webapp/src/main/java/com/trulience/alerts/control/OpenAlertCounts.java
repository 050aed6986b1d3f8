package com.trulience.alerts.control;

import com.trulience.alerts.entity.Severity;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** How many alerts are open per worker and severity: one grouped query over the open alerts. */
public final class OpenAlertCounts {

    private static final String PER_WORKER = "SELECT worker_id, severity, COUNT(*) FROM alerts WHERE state = 'open' GROUP BY worker_id, severity";

    /** critical and warning: the open alerts of one worker. */
    public record Counts(int critical, int warning) {

        public static final Counts NONE = new Counts(0, 0);

        public int total() {
            return critical + warning;
        }
    }

    private OpenAlertCounts() {
    }

    /** Only workers with an open alert are in the map. */
    public static Map<Long, Counts> perWorker(Connection connection) throws SQLException {
        var counts = new HashMap<Long, Counts>();
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(PER_WORKER)) {
            while (rows.next()) {
                long worker = rows.getLong(1);
                int count = rows.getInt(3);
                var before = counts.getOrDefault(worker, Counts.NONE);
                counts.put(worker, Severity.of(rows.getString(2)) == Severity.CRITICAL
                        ? new Counts(before.critical() + count, before.warning())
                        : new Counts(before.critical(), before.warning() + count));
            }
        }
        return counts;
    }
}
