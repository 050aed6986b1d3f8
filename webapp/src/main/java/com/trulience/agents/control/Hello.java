package com.trulience.agents.control;

import com.trulience.workers.entity.WorkerGpu;
import java.util.List;

/** What an agent announces on every connect. */
public record Hello(long workerId, String hostname, String agentVersion, String driverVersion, int intervalSeconds,
                    List<WorkerGpu> gpus, List<String> services) {
}
