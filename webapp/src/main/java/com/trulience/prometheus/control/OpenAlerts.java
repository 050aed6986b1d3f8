package com.trulience.prometheus.control;

import com.trulience.alerts.entity.AlertNotice;
import com.trulience.alerts.entity.Severity;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The open alerts as this component needs them: counted for the scrape, listed for Alertmanager's re-sends. */
public final class OpenAlerts {

    private static final String BY_SEVERITY = "SELECT severity, COUNT(*) FROM alerts WHERE state = 'open' GROUP BY severity";
    private static final String ALL = """
            SELECT a.id, a.worker_id, w.name, a.gpu_index, a.metric_name, a.severity, a.value, a.threshold_value,
                   a.message, a.opened_at
            FROM alerts a JOIN workers w ON w.id = a.worker_id
            WHERE a.state = 'open' ORDER BY a.id""";

    private OpenAlerts() {
    }

    public static Map<String, Long> bySeverity(Connection connection) throws SQLException {
        var counts = new HashMap<String, Long>();
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(BY_SEVERITY)) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    /** Each open alert as it would be notified now. */
    public static List<AlertNotice> all(Connection connection, Instant now) throws SQLException {
        var open = new ArrayList<AlertNotice>();
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(ALL)) {
            while (rows.next()) {
                open.add(new AlertNotice(rows.getLong(1), rows.getLong(2), rows.getString(3), integer(rows.getObject(4)),
                        rows.getString(5), Severity.of(rows.getString(6)), (Double) rows.getObject(7), integer(rows.getObject(8)),
                        rows.getString(9), rows.getTimestamp(10).toInstant(), now));
            }
        }
        return open;
    }

    private static Integer integer(Object value) {
        return value == null ? null : ((Number) value).intValue();
    }
}
