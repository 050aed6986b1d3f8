package com.trulience.platform.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Present only when the application is deployed, so a failed deployment (which Payara still calls
 * "ready") shows up as a missing check rather than as a healthy server. A database outage is not a
 * reason to restart the process, so liveness does not look at it.
 */
@Liveness
@ApplicationScoped
public class ApplicationLiveness implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("application");
    }
}
