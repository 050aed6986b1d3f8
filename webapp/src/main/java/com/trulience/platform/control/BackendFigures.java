package com.trulience.platform.control;

import io.prometheus.metrics.core.metrics.MetricWithFixedMetadata;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * This node's own figures (frames ingested, write-queue depth, webhook deliveries, ...) for {@code GET /metrics}.
 * It sits at the bottom so that each component owns and updates its counters where the work happens, without
 * knowing who exposes them: the prometheus component only scrapes {@link #registry()}. One registry per
 * application rather than the library's static default, so a redeployed WAR starts from an empty one.
 */
@ApplicationScoped
public class BackendFigures {

    @Inject
    ClusterSignals cluster;

    private final PrometheusRegistry registry = new PrometheusRegistry();

    /** Registers a metric with this node's {@code node} label; call once per metric, from the owner's start-up. */
    public <M extends MetricWithFixedMetadata> M register(MetricWithFixedMetadata.Builder<?, M> metric) {
        return metric.constLabels(Labels.of("node", cluster.node())).register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
