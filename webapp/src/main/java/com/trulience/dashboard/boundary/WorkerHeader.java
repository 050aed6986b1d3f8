package com.trulience.dashboard.boundary;

import com.trulience.restarts.boundary.RestartView;
import com.trulience.workers.entity.Worker;
import java.io.Serializable;
import java.util.List;

/** The worker page's facts about its worker above the charts: what it is, whether it is online, its restarts. */
public record WorkerHeader(long id, String name, String hostname, String agentVersion, String driverVersion, int gpuCount,
                           boolean online, String lastSeen, List<RestartView> restarts, RestartProgress latestRestart)
        implements Serializable {

    /** restarts: newest first. */
    static WorkerHeader of(Worker worker, List<RestartView> restarts) {
        return new WorkerHeader(worker.id(), worker.name(), worker.hostname(), worker.agentVersion(), worker.driverVersion(),
                worker.gpus().size(), worker.online(),
                WorkerCard.time(worker.lastSeenAt() == null ? null : worker.lastSeenAt().toInstant()),
                List.copyOf(restarts), RestartProgress.latest(restarts));
    }

    public boolean restartBlocked() {
        return WorkerCard.blocksRestart(online, latestRestart);
    }
}
