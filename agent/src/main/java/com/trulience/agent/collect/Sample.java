package com.trulience.agent.collect;

import java.time.Instant;
import java.util.List;

/** All GPUs of this machine at one moment, lost ones included. */
public record Sample(Instant takenAt, List<GpuReading> gpus) {

    public Sample {
        gpus = List.copyOf(gpus);
    }
}
