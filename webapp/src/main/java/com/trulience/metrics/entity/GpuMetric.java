package com.trulience.metrics.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One sample of one GPU, as collected by the agent at {@code recordedAt}. Append-only. */
@Entity
@Table(name = "gpu_metrics")
public class GpuMetric {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "worker_id")
    private long workerId;

    @Column(name = "gpu_index")
    private short gpuIndex;

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

    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    protected GpuMetric() {
    }

    public GpuMetric(long workerId, short gpuIndex, int vramUsedMb, int vramTotalMb, short temperatureCelsius,
                     short utilizationPercent, Short powerDrawWatts, Short fanSpeedPercent, OffsetDateTime recordedAt) {
        this.workerId = workerId;
        this.gpuIndex = gpuIndex;
        this.vramUsedMb = vramUsedMb;
        this.vramTotalMb = vramTotalMb;
        this.temperatureCelsius = temperatureCelsius;
        this.utilizationPercent = utilizationPercent;
        this.powerDrawWatts = powerDrawWatts;
        this.fanSpeedPercent = fanSpeedPercent;
        this.recordedAt = recordedAt;
    }

    public Long id() {
        return id;
    }

    public long workerId() {
        return workerId;
    }

    public short gpuIndex() {
        return gpuIndex;
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
