package com.trulience.metrics.entity;

import java.util.Set;

/**
 * The fleet snapshot (metrics/control/FleetSnapshot) applied a change: {@code version} is the snapshot's version
 * that includes it, {@code workerIds} the workers whose entries were replaced, added or removed. Fired
 * asynchronously after the change is visible to readers.
 */
public record FleetChanged(long version, Set<Long> workerIds) {

    public FleetChanged {
        workerIds = Set.copyOf(workerIds);
    }
}
