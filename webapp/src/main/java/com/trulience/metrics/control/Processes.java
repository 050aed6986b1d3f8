package com.trulience.metrics.control;

import com.trulience.metrics.entity.GpuProcesses;
import com.trulience.platform.control.DatabaseMigration;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/** Who holds the VRAM of a worker's GPUs: now (gpu_processes_latest) and per hour (gpu_process_hourly). */
@ApplicationScoped
public class Processes {

    /** The most holders per GPU and hour that the history returns. */
    public static final int TOP_PER_HOUR = 5;

    private static final String CURRENT = """
            SELECT l.gpu_index, p.recorded_at, l.vram_used_mb, l.vram_total_mb, p.processes::text, p.other_count,
                   p.other_vram_used_mb
            FROM gpu_metrics_latest l
            LEFT JOIN gpu_processes_latest p ON p.worker_id = l.worker_id AND p.gpu_index = l.gpu_index
            WHERE l.worker_id = ?
            ORDER BY l.gpu_index
            """;

    private static final String TOP_HOURLY = """
            SELECT hour, gpu_index, name, unit, container, samples, vram_used_mb_max, vram_used_mb_sum::float8 / samples
            FROM (SELECT h.*, row_number() OVER (PARTITION BY gpu_index, hour ORDER BY vram_used_mb_max DESC,
                                                 vram_used_mb_sum DESC, name, unit, container) AS rank
                  FROM gpu_process_hourly h
                  WHERE worker_id = ? AND hour >= date_trunc('hour', ?::timestamptz, 'UTC') AND hour < ?
                        AND (?::smallint IS NULL OR gpu_index = ?)) ranked
            WHERE rank <= ?
            ORDER BY hour, gpu_index, rank
            """;

    /** One GPU now: its VRAM from the latest sample and the processes that sample listed. */
    public record GpuHolders(int gpuIndex, Instant recordedAt, int vramUsedMb, int vramTotalMb, GpuProcesses processes) {

        /** Used VRAM that no listed process (nor {@code other}) accounts for; null when the processes are not reported. */
        public Long unattributedMb() {
            return processes.reported() ? processes.unattributedMb(vramUsedMb) : null;
        }
    }

    /** One holder in one hour: name, unit and container are null where unknown. */
    public record HourlyHolder(Instant hour, int gpuIndex, String name, String unit, String container, int samples,
                               int vramUsedMbMax, double vramUsedMbAvg) {
    }

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    public List<GpuHolders> current(long workerId) throws SQLException {
        var gpus = new ArrayList<GpuHolders>();
        try (var connection = dataSource.getConnection(); var statement = connection.prepareStatement(CURRENT)) {
            statement.setLong(1, workerId);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    String listed = rows.getString(5);
                    var processes = listed == null ? GpuProcesses.NOT_REPORTED
                            : new GpuProcesses(ProcessJson.read(listed), rows.getInt(6), (Integer) rows.getObject(7));
                    Timestamp at = rows.getTimestamp(2);
                    gpus.add(new GpuHolders(rows.getInt(1), at == null ? null : at.toInstant(), rows.getInt(3),
                            rows.getInt(4), processes));
                }
            }
        }
        return gpus;
    }

    /** The {@link #TOP_PER_HOUR} holders with the most VRAM of each GPU and hour from {@code since}'s hour to {@code until}. */
    public void topHourly(long workerId, Instant since, Instant until, Integer gpuIndex, Consumer<HourlyHolder> each)
            throws SQLException {
        try (var connection = dataSource.getConnection(); var statement = connection.prepareStatement(TOP_HOURLY)) {
            statement.setLong(1, workerId);
            statement.setTimestamp(2, Timestamp.from(since));
            statement.setTimestamp(3, Timestamp.from(until));
            if (gpuIndex == null) {
                statement.setNull(4, java.sql.Types.SMALLINT);
                statement.setNull(5, java.sql.Types.SMALLINT);
            } else {
                statement.setShort(4, gpuIndex.shortValue());
                statement.setShort(5, gpuIndex.shortValue());
            }
            statement.setInt(6, TOP_PER_HOUR);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    each.accept(new HourlyHolder(rows.getTimestamp(1).toInstant(), rows.getInt(2), emptyIsNull(rows.getString(3)),
                            emptyIsNull(rows.getString(4)), emptyIsNull(rows.getString(5)), rows.getInt(6), rows.getInt(7),
                            Math.round(rows.getDouble(8) * 10) / 10.0));
                }
            }
        }
    }

    private static String emptyIsNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
