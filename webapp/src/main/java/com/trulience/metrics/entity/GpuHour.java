package com.trulience.metrics.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/** Key of an hourly summary: one worker's GPU in one UTC hour. */
@Embeddable
public class GpuHour implements Serializable {

    @Column(name = "worker_id")
    private long workerId;

    @Column(name = "gpu_index")
    private short gpuIndex;

    @Column(name = "hour")
    private OffsetDateTime hour;

    protected GpuHour() {
    }

    public GpuHour(long workerId, short gpuIndex, OffsetDateTime hour) {
        this.workerId = workerId;
        this.gpuIndex = gpuIndex;
        this.hour = hour;
    }

    public long workerId() {
        return workerId;
    }

    public short gpuIndex() {
        return gpuIndex;
    }

    public OffsetDateTime hour() {
        return hour;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GpuHour that && workerId == that.workerId && gpuIndex == that.gpuIndex
                && Objects.equals(hour == null ? null : hour.toInstant(), that.hour == null ? null : that.hour.toInstant());
    }

    @Override
    public int hashCode() {
        return Objects.hash(workerId, gpuIndex, hour == null ? null : hour.toInstant());
    }
}
