package com.trulience.testing;

import java.net.MalformedURLException;
import java.net.URL;

/**
 * Arquillian reports the deployment at the machine's network address; Payara listens on every interface, and
 * tests here talk to it over loopback only.
 */
public final class Loopback {

    private Loopback() {
    }

    public static URL of(URL deployed) {
        try {
            return new URL(deployed.getProtocol(), "127.0.0.1", deployed.getPort(), deployed.getFile());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(deployed.toString(), e);
        }
    }
}
