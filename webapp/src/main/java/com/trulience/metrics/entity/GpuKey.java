package com.trulience.metrics.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.io.Serializable;
import java.util.Objects;

/** One GPU of one worker. */
@Embeddable
public class GpuKey implements Serializable {

    @Column(name = "worker_id")
    private long workerId;

    @Column(name = "gpu_index")
    private short gpuIndex;

    protected GpuKey() {
    }

    public GpuKey(long workerId, short gpuIndex) {
        this.workerId = workerId;
        this.gpuIndex = gpuIndex;
    }

    public long workerId() {
        return workerId;
    }

    public short gpuIndex() {
        return gpuIndex;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GpuKey that && workerId == that.workerId && gpuIndex == that.gpuIndex;
    }

    @Override
    public int hashCode() {
        return Objects.hash(workerId, gpuIndex);
    }
}
