package com.trulience.alerts.control;

import com.trulience.alerts.entity.AlertTransition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every transition in the server log, so that alerts are visible without any webhook. */
@ApplicationScoped
public class AlertLog {

    private static final Logger LOG = Logger.getLogger(AlertLog.class.getName());

    void log(@ObservesAsync AlertTransition transition) {
        var level = transition.kind().equals("resolved") ? Level.INFO : Level.WARNING;
        LOG.log(level, () -> WebhookMessage.text(transition) + " [alert " + transition.notice().alertId() + "]");
    }
}
