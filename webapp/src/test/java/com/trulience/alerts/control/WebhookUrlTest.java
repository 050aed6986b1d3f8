package com.trulience.alerts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class WebhookUrlTest {

    @Test
    void theStartUpLineNamesNoCredentials() {
        assertEquals("https://hooks.example.com:8443/...",
                HttpDelivery.withoutSecrets(URI.create("https://bot:s3cret@hooks.example.com:8443/services/T0/B0/XYZ?token=abc123")));
        assertEquals("http://10.0.0.5/...", HttpDelivery.withoutSecrets(URI.create("http://10.0.0.5/hook?api_key=k")));
    }
}
