package com.trulience.dashboard.boundary;

import com.trulience.alerts.entity.Alert;
import com.trulience.restarts.entity.RestartStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.OffsetDateTime;

/** The words and formats that several pages show, for their EL: {@code #{labels.metric(alert.metricName())}}. */
@Named
@ApplicationScoped
public class Labels {

    /** What an alert is about: a metric's label or a built-in condition's. */
    public String metric(String metricName) {
        return Alert.label(metricName);
    }

    public String time(OffsetDateTime time) {
        return time == null ? "" : WorkerCard.time(time.toInstant());
    }

    public String restartStatus(String status) {
        return RestartProgress.label(RestartStatus.of(status));
    }
}
