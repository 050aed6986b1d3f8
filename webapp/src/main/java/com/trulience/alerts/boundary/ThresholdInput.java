package com.trulience.alerts.boundary;

import com.trulience.alerts.entity.Metric;
import com.trulience.alerts.entity.MetricThreshold;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.BadRequestException;
import java.util.HashSet;
import java.util.List;

/** One element of a PUT of thresholds; is_enabled defaults to true. */
public record ThresholdInput(String metricName, Integer warningValue, Integer criticalValue,
                             @JsonbProperty("is_enabled") Boolean isEnabled) {

    /** Validates the whole list before changing anything, then creates or changes the scope's row of each metric. */
    public static void apply(EntityManager em, Long workerId, List<ThresholdInput> inputs, List<MetricThreshold> existing) {
        if (inputs == null || inputs.isEmpty()) {
            throw new BadRequestException("the body must be a non-empty JSON array of {metric_name, warning_value, critical_value, is_enabled}");
        }
        var seen = new HashSet<String>();
        for (var input : inputs) {
            if (input == null) {
                throw new BadRequestException("null is not a threshold");
            }
            var metric = input.metric();
            if (!seen.add(metric.metricName())) {
                throw new BadRequestException(metric.metricName() + " is listed twice");
            }
            if (input.warningValue() == null || input.criticalValue() == null) {
                throw new BadRequestException(metric.metricName() + ": warning_value and critical_value are required");
            }
            try {
                metric.checkLevels(input.warningValue(), input.criticalValue());
            } catch (IllegalArgumentException e) {
                throw new BadRequestException(e.getMessage());
            }
        }
        for (var input : inputs) {
            boolean enabled = input.isEnabled() == null || input.isEnabled();
            var row = existing.stream().filter(threshold -> threshold.metricName().equals(input.metricName())).findFirst();
            if (row.isPresent()) {
                row.get().change(input.warningValue(), input.criticalValue(), enabled);
            } else {
                em.persist(new MetricThreshold(workerId, input.metric(), input.warningValue(), input.criticalValue(), enabled));
            }
        }
    }

    Metric metric() {
        return Metric.named(metricName).orElseThrow(() -> new BadRequestException("unknown metric_name '" + metricName
                + "'; known: " + String.join(", ", java.util.Arrays.stream(Metric.values()).map(Metric::metricName).toList())));
    }
}
