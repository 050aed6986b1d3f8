package com.trulience.alerts.control;

import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.alerts.entity.ThresholdsChanged;
import com.trulience.metrics.entity.Metric;
import com.trulience.platform.control.Refused;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;

/**
 * The warning and critical levels: what is in force for whom, and every change of them, whether from the REST API or
 * the thresholds page. A change it refuses is {@link Refused} (400), with a message fit for the admin.
 */
@ApplicationScoped
public class Thresholds {

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<ThresholdsChanged> changed;

    /** The global levels and every worker's overrides. */
    public EffectiveThresholds inForce() {
        return new EffectiveThresholds(em.createNamedQuery(MetricThreshold.ALL, MetricThreshold.class).getResultList());
    }

    /** The global levels and the overrides of the workers given: all that those workers' levels need. */
    public EffectiveThresholds inForce(Collection<Long> workerIds) {
        return new EffectiveThresholds(em.createNamedQuery(MetricThreshold.APPLYING_TO, MetricThreshold.class)
                .setParameter("workerIds", workerIds)
                .getResultList());
    }

    public List<MetricThreshold> global() {
        return em.createNamedQuery(MetricThreshold.GLOBAL, MetricThreshold.class).getResultList();
    }

    /**
     * Validates the whole list before changing anything, then creates or changes the scope's row of each metric listed
     * (workerId null: the global levels); metrics not listed keep theirs.
     */
    @Transactional
    public void set(Long workerId, List<ThresholdInput> inputs) {
        if (inputs == null || inputs.isEmpty()) {
            throw new Refused(Refused.Reason.INVALID, "the body must be a non-empty JSON array of {metric_name, warning_value, critical_value, is_enabled}");
        }
        var seen = new HashSet<String>();
        for (var input : inputs) {
            if (input == null) {
                throw new Refused(Refused.Reason.INVALID, "null is not a threshold");
            }
            var metric = metric(input);
            if (!seen.add(metric.metricName())) {
                throw new Refused(Refused.Reason.INVALID, metric.metricName() + " is listed twice");
            }
            if (input.warningValue() == null || input.criticalValue() == null) {
                throw new Refused(Refused.Reason.INVALID, metric.metricName() + ": warning_value and critical_value are required");
            }
            metric.checkLevels(input.warningValue(), input.criticalValue());
        }
        var existing = workerId == null ? global()
                : em.createNamedQuery(MetricThreshold.OF_WORKER, MetricThreshold.class).setParameter("workerId", workerId).getResultList();
        for (var input : inputs) {
            boolean enabled = input.isEnabled() == null || input.isEnabled();
            var row = existing.stream().filter(threshold -> threshold.metricName().equals(input.metricName())).findFirst();
            if (row.isPresent()) {
                row.get().change(input.warningValue(), input.criticalValue(), enabled);
            } else {
                em.persist(new MetricThreshold(workerId, metric(input), input.warningValue(), input.criticalValue(), enabled));
            }
        }
        em.flush();
        changed.fire(new ThresholdsChanged(workerId));
    }

    /** The worker follows the global levels again, for every metric. */
    @Transactional
    public void reset(long workerId) {
        em.createNamedQuery(MetricThreshold.DELETE_OF_WORKER).setParameter("workerId", workerId).executeUpdate();
        changed.fire(new ThresholdsChanged(workerId));
    }

    /** The worker follows the global levels of this metric again. */
    @Transactional
    public void reset(long workerId, Metric metric) {
        em.createNamedQuery(MetricThreshold.DELETE_ONE_OF_WORKER).setParameter("workerId", workerId)
                .setParameter("metricName", metric.metricName()).executeUpdate();
        changed.fire(new ThresholdsChanged(workerId));
    }

    private static Metric metric(ThresholdInput input) {
        return Metric.named(input.metricName()).orElseThrow(() -> new Refused(Refused.Reason.INVALID, "unknown metric_name '"
                + input.metricName() + "'; known: " + String.join(", ", Arrays.stream(Metric.values()).map(Metric::metricName).toList())));
    }
}
