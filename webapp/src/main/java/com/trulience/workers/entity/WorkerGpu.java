package com.trulience.workers.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** A GPU as the agent's hello announced it. */
@Embeddable
public class WorkerGpu {

    @Column(name = "gpu_index")
    private short gpuIndex;

    private String name;

    private String uuid;

    @Column(name = "power_limit_watts")
    private Integer powerLimitWatts;

    protected WorkerGpu() {
    }

    public WorkerGpu(short gpuIndex, String name, String uuid, Integer powerLimitWatts) {
        this.gpuIndex = gpuIndex;
        this.name = name;
        this.uuid = uuid;
        this.powerLimitWatts = powerLimitWatts;
    }

    public short gpuIndex() {
        return gpuIndex;
    }

    public String name() {
        return name;
    }

    public String uuid() {
        return uuid;
    }

    public Integer powerLimitWatts() {
        return powerLimitWatts;
    }
}
