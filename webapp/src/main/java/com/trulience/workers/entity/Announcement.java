package com.trulience.workers.entity;

import java.util.List;

/** What a worker's agent announces on every connect: its host, versions, GPUs and the services it may restart. */
public record Announcement(long workerId, String hostname, String agentVersion, String driverVersion, int intervalSeconds,
                           List<WorkerGpu> gpus, List<String> services) {
}
