package com.trulience.agent.restart;

import java.time.Duration;
import java.util.logging.Logger;

/** SIMULATE_SERVICES=true: a short pause instead of systemctl or the SCM, said plainly in the log. */
public final class SimulatedServices implements ServiceControl {

    private static final Logger LOG = Logger.getLogger(SimulatedServices.class.getName());

    private final Duration delay;

    public SimulatedServices(Duration delay) {
        this.delay = delay;
    }

    @Override
    public void restart(ServiceName service) {
        LOG.info(() -> "SIMULATED restart of " + service + " (SIMULATE_SERVICES=true): nothing is run, waiting "
                + delay.toMillis() + " ms instead");
        WindowsServices.sleep(delay);
    }

    @Override
    public boolean active(ServiceName service) {
        return true;
    }
}
