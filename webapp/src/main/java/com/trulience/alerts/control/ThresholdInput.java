package com.trulience.alerts.control;

import jakarta.json.bind.annotation.JsonbProperty;

/** One metric's levels as an admin asks for them (an element of a PUT of thresholds, a row of the form); is_enabled defaults to true. */
public record ThresholdInput(String metricName, Integer warningValue, Integer criticalValue,
                             @JsonbProperty("is_enabled") Boolean isEnabled) {
}
