package com.trulience.metrics.entity;

import java.time.Instant;

/**
 * One {@code gpu_event} of a worker's agent, validated: an Xid, a double-bit ECC error or a GPU that NVML reported
 * lost, at the time the agent saw it. {@code xid} is set exactly for kind XID.
 */
public record GpuEvent(long workerId, long seq, int gpuIndex, String uuid, Kind kind, Integer xid, Instant occurredAt) {

    public enum Kind {
        XID("xid"), ECC_DOUBLE_BIT("ecc_double_bit"), GPU_LOST("gpu_lost");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Kind of(String wireName) {
            for (var kind : values()) {
                if (kind.wireName.equals(wireName)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("no event kind " + wireName);
        }
    }

    /** What happened, in words, and what the operator should do. */
    public Xid meaning() {
        return meaning(kind, xid);
    }

    public static Xid meaning(Kind kind, Integer xid) {
        return switch (kind) {
            case XID -> Xid.of(xid);
            case ECC_DOUBLE_BIT -> Xid.DOUBLE_BIT_ECC;
            case GPU_LOST -> Xid.GPU_LOST;
        };
    }
}
