package com.trulience.agent.collect;

import java.time.Instant;

/**
 * Something that happened to one GPU, as NVML reported it: an Xid (the driver's error code), a
 * double-bit ECC error, or the GPU gone (GPU_IS_LOST). {@code uuid} is null where NVML did not give
 * it; {@code xid} is set for {@link Kind#XID} only (999: NVML could not name it).
 */
public record GpuEvent(Instant timestamp, int gpuIndex, String uuid, Kind kind, Long xid) {

    public enum Kind {
        XID("xid"), ECC_DOUBLE_BIT("ecc_double_bit"), GPU_LOST("gpu_lost");

        /** The {@code kind} of the {@code gpu_event} frame. */
        public final String wire;

        Kind(String wire) {
            this.wire = wire;
        }
    }

    public GpuEvent {
        if ((kind == Kind.XID) != (xid != null)) {
            throw new IllegalArgumentException("an xid belongs to an xid event and only to it: " + kind + " " + xid);
        }
    }

    public static GpuEvent xid(Instant at, int gpuIndex, String uuid, long xid) {
        return new GpuEvent(at, gpuIndex, uuid, Kind.XID, xid);
    }

    public static GpuEvent of(Instant at, int gpuIndex, String uuid, Kind kind) {
        return new GpuEvent(at, gpuIndex, uuid, kind, null);
    }
}
