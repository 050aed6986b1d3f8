package com.trulience.metrics.entity;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** The newest sample of one GPU, kept up to date by the write path (see MetricsSql). Read-only here. */
@Entity
@Table(name = "gpu_metrics_latest")
@NamedQuery(name = LatestGpuMetric.ALL, query = "SELECT m FROM LatestGpuMetric m ORDER BY m.key.workerId, m.key.gpuIndex")
public class LatestGpuMetric {

    public static final String ALL = "LatestGpuMetric.all";

    @EmbeddedId
    private GpuKey key;

    @Column(name = "vram_used_mb")
    private int vramUsedMb;

    @Column(name = "vram_total_mb")
    private int vramTotalMb;

    @Column(name = "temperature_celsius")
    private short temperatureCelsius;

    @Column(name = "utilization_percent")
    private short utilizationPercent;

    @Column(name = "power_draw_watts")
    private Short powerDrawWatts;

    @Column(name = "fan_speed_percent")
    private Short fanSpeedPercent;

    @Column(name = "recorded_at")
    private OffsetDateTime recordedAt;

    protected LatestGpuMetric() {
    }

    public GpuKey key() {
        return key;
    }

    public int vramUsedMb() {
        return vramUsedMb;
    }

    public int vramTotalMb() {
        return vramTotalMb;
    }

    public short temperatureCelsius() {
        return temperatureCelsius;
    }

    public short utilizationPercent() {
        return utilizationPercent;
    }

    public Short powerDrawWatts() {
        return powerDrawWatts;
    }

    public Short fanSpeedPercent() {
        return fanSpeedPercent;
    }

    public OffsetDateTime recordedAt() {
        return recordedAt;
    }
}
