package com.trulience.security.control;

import jakarta.security.enterprise.credential.Credential;

/** The bearer token an agent presents at the WebSocket handshake. */
public record AgentTokenCredential(String token) implements Credential {
}
