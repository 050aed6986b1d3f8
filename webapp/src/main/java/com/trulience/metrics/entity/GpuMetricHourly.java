package com.trulience.metrics.entity;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * Raw samples of one GPU in one hour, folded by retention. Sums and counts rather than averages,
 * so that a late batch or a re-run can add to an hour; averages are derived.
 */
@Entity
@Table(name = "gpu_metrics_hourly")
public class GpuMetricHourly {

    @EmbeddedId
    private GpuHour key;

    private int samples;

    @Column(name = "vram_used_mb_min")
    private int vramUsedMbMin;
    @Column(name = "vram_used_mb_max")
    private int vramUsedMbMax;
    @Column(name = "vram_used_mb_sum")
    private long vramUsedMbSum;
    @Column(name = "vram_total_mb")
    private int vramTotalMb;

    @Column(name = "temperature_celsius_min")
    private short temperatureCelsiusMin;
    @Column(name = "temperature_celsius_max")
    private short temperatureCelsiusMax;
    @Column(name = "temperature_celsius_sum")
    private long temperatureCelsiusSum;

    @Column(name = "utilization_percent_min")
    private short utilizationPercentMin;
    @Column(name = "utilization_percent_max")
    private short utilizationPercentMax;
    @Column(name = "utilization_percent_sum")
    private long utilizationPercentSum;

    @Column(name = "power_draw_samples")
    private int powerDrawSamples;
    @Column(name = "power_draw_watts_min")
    private Short powerDrawWattsMin;
    @Column(name = "power_draw_watts_max")
    private Short powerDrawWattsMax;
    @Column(name = "power_draw_watts_sum")
    private Long powerDrawWattsSum;

    @Column(name = "fan_speed_samples")
    private int fanSpeedSamples;
    @Column(name = "fan_speed_percent_min")
    private Short fanSpeedPercentMin;
    @Column(name = "fan_speed_percent_max")
    private Short fanSpeedPercentMax;
    @Column(name = "fan_speed_percent_sum")
    private Long fanSpeedPercentSum;

    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;
    @Column(name = "updated_at", insertable = false, updatable = false)
    private OffsetDateTime updatedAt;

    protected GpuMetricHourly() {
    }

    public GpuHour key() {
        return key;
    }

    public int samples() {
        return samples;
    }

    public double temperatureCelsiusAvg() {
        return (double) temperatureCelsiusSum / samples;
    }

    public short temperatureCelsiusMax() {
        return temperatureCelsiusMax;
    }

    public double utilizationPercentAvg() {
        return (double) utilizationPercentSum / samples;
    }

    public short utilizationPercentMax() {
        return utilizationPercentMax;
    }

    public double vramUsedMbAvg() {
        return (double) vramUsedMbSum / samples;
    }

    public int vramUsedMbMax() {
        return vramUsedMbMax;
    }

    public int vramTotalMb() {
        return vramTotalMb;
    }

    public Double powerDrawWattsAvg() {
        return powerDrawSamples == 0 ? null : (double) powerDrawWattsSum / powerDrawSamples;
    }

    public Short powerDrawWattsMax() {
        return powerDrawWattsMax;
    }

    public Double fanSpeedPercentAvg() {
        return fanSpeedSamples == 0 ? null : (double) fanSpeedPercentSum / fanSpeedSamples;
    }
}
