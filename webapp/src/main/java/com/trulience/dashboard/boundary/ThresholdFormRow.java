package com.trulience.dashboard.boundary;

import com.trulience.alerts.control.Levels;
import com.trulience.alerts.control.ThresholdInput;
import com.trulience.metrics.entity.Metric;
import java.io.Serializable;

/** One metric's row of the thresholds form, loaded with the levels in force and edited in place. */
public final class ThresholdFormRow implements Serializable {

    private final Metric metric;
    private Integer warning;
    private Integer critical;
    private boolean enabled;
    private final boolean overridden;
    private final String loaded;

    ThresholdFormRow(Levels levels) {
        this.metric = levels.metric();
        this.warning = levels.warning();
        this.critical = levels.critical();
        this.enabled = levels.enabled();
        this.overridden = levels.overridden();
        this.loaded = state();
    }

    /** A row still at the global values stays global: only edits and existing overrides are written. */
    boolean toWrite() {
        return overridden || !state().equals(loaded);
    }

    ThresholdInput input() {
        return new ThresholdInput(metric.metricName(), warning, critical, enabled);
    }

    private String state() {
        return warning + "/" + critical + "/" + enabled;
    }

    public String getLabel() {
        return metric.label();
    }

    public String getUnit() {
        return metric.unit();
    }

    public Integer getWarning() {
        return warning;
    }

    public void setWarning(Integer warning) {
        this.warning = warning;
    }

    public Integer getCritical() {
        return critical;
    }

    public void setCritical(Integer critical) {
        this.critical = critical;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isOverridden() {
        return overridden;
    }
}
