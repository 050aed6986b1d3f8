package com.trulience.security.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who may scrape {@code GET /metrics}: Prometheus with the scrape token ({@code trulience.metrics.token}, env
 * TRULIENCE_METRICS_TOKEN) as a bearer token, or a user with Basic credentials (web.xml lets admins and viewers
 * in). Only the token's SHA-256 is kept, compared in constant time; without either credential the answer is 401.
 */
@ApplicationScoped
public class ScrapeAuthentication {

    public static final String PATH = "/metrics";
    public static final String SCRAPER_GROUP = "scraper";
    private static final String BASIC = "Basic ";
    private static final String BEARER = "Bearer ";

    @Inject
    IdentityStoreHandler identityStores;

    @Inject
    @ConfigProperty(name = "trulience.metrics.token")
    Optional<String> configuredToken;

    private byte[] tokenHash;

    @PostConstruct
    void hashToken() {
        tokenHash = configuredToken.map(String::strip).filter(token -> !token.isEmpty()).map(ScrapeAuthentication::sha256).orElse(null);
    }

    /** {@code /metrics} and what Payara's MicroProfile Metrics serves below it. */
    public boolean appliesTo(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    public AuthenticationStatus validate(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            byte[] presented = sha256(authorization.substring(BEARER.length()).strip());
            if (tokenHash != null && MessageDigest.isEqual(tokenHash, presented)) {
                return context.notifyContainerAboutLogin("prometheus-scraper", Set.of(SCRAPER_GROUP));
            }
        } else if (authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            var credential = AuthenticationMechanism.basicCredential(authorization.substring(BASIC.length()).trim());
            if (credential != null) {
                var result = identityStores.validate(credential);
                if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                    return context.notifyContainerAboutLogin(result);
                }
            }
        }
        response.addHeader("WWW-Authenticate", "Bearer realm=\"trulience-metrics\"");
        response.addHeader("WWW-Authenticate", "Basic realm=\"trulience\", charset=\"UTF-8\"");
        return context.responseUnauthorized();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
