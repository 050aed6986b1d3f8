package com.trulience.testing;

import java.net.URL;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the ITs that deploy the WAR: {@link #base} is the deployment's URL on loopback. Arquillian reports it
 * at the machine's network address; Payara listens on every interface, and tests here use loopback only.
 */
public abstract class Deployed {

    protected URL base;

    @BeforeEach
    void overLoopback() {
        base = Loopback.of(DeploymentUrl.current());
    }
}
