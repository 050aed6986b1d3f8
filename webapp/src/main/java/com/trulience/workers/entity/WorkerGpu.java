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

    @Column(name = "slowdown_temperature_celsius")
    private Short slowdownTemperatureCelsius;

    @Column(name = "shutdown_temperature_celsius")
    private Short shutdownTemperatureCelsius;

    @Column(name = "max_sm_clock_mhz")
    private Integer maxSmClockMhz;

    @Column(name = "enforced_power_limit_watts")
    private Integer enforcedPowerLimitWatts;

    protected WorkerGpu() {
    }

    public WorkerGpu(short gpuIndex, String name, String uuid, Integer powerLimitWatts) {
        this(gpuIndex, name, uuid, powerLimitWatts, CardLimits.NONE);
    }

    public WorkerGpu(short gpuIndex, String name, String uuid, Integer powerLimitWatts, CardLimits limits) {
        this.gpuIndex = gpuIndex;
        this.name = name;
        this.uuid = uuid;
        this.powerLimitWatts = powerLimitWatts;
        this.slowdownTemperatureCelsius = limits.slowdownTemperatureCelsius() == null ? null : limits.slowdownTemperatureCelsius().shortValue();
        this.shutdownTemperatureCelsius = limits.shutdownTemperatureCelsius() == null ? null : limits.shutdownTemperatureCelsius().shortValue();
        this.maxSmClockMhz = limits.maxSmClockMhz();
        this.enforcedPowerLimitWatts = limits.enforcedPowerLimitWatts();
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

    public CardLimits limits() {
        return new CardLimits(slowdownTemperatureCelsius == null ? null : slowdownTemperatureCelsius.intValue(),
                shutdownTemperatureCelsius == null ? null : shutdownTemperatureCelsius.intValue(), maxSmClockMhz, enforcedPowerLimitWatts);
    }
}
