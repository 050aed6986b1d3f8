package com.trulience.prometheus.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How many Xid events each GPU has had, per code (db/V19, kept by GpuEvents.store), as the scrape needs them. */
public final class XidCounts {

    /** {@code countedSince}: when the first of them was counted, the counter's creation time. */
    public record XidCount(int gpuIndex, int xid, long total, Instant countedSince) {
    }

    private static final String ALL = "SELECT worker_id, gpu_index, xid, events_total, first_counted_at FROM gpu_xid_counts";

    private XidCounts() {
    }

    /** By worker id; only GPUs that ever had an Xid have a row, so this stays small. */
    public static Map<Long, List<XidCount>> byWorker(Connection connection) throws SQLException {
        var counts = new HashMap<Long, List<XidCount>>();
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(ALL)) {
            while (rows.next()) {
                counts.computeIfAbsent(rows.getLong(1), worker -> new ArrayList<>())
                        .add(new XidCount(rows.getInt(2), rows.getInt(3), rows.getLong(4), rows.getTimestamp(5).toInstant()));
            }
        }
        return counts;
    }
}
