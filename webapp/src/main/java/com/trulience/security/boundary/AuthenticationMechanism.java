package com.trulience.security.boundary;

import com.trulience.platform.boundary.Problem;
import com.trulience.security.control.AgentTokenCredential;
import com.trulience.security.control.HandshakeThrottle;
import com.trulience.security.control.LoginThrottle;
import com.trulience.security.control.PasswordCheckBusy;
import com.trulience.security.control.UserIdentityStore;
import com.trulience.workers.control.AgentTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/**
 * The application's one mechanism (EE 10 allows one): HTTP Basic for the API, a bearer token for agents on
 * the WebSocket handshake, form login with a session for the pages. An API client or agent never gets a
 * redirect or a session; a browser never gets a Basic prompt.
 * <p>
 * Password sign-ins go through {@link LoginThrottle} first (429 with Retry-After while the address or the user name
 * is locked, before any hashing) and a busy hashing pool answers 503 at once; an agent handshake goes through
 * {@link HandshakeThrottle} first (429 with Retry-After before any database work). A signed-in session is checked against
 * the user row on every protected request: the role in force is the current one, and a changed password (or a
 * deleted user) ends the session.
 */
@ApplicationScoped
public class AuthenticationMechanism implements HttpAuthenticationMechanism {

    static final String LOGIN_PAGE = "/login.xhtml";
    private static final String BASIC = "Basic ";
    private static final String BEARER = "Bearer ";

    static final String THROTTLED_ATTRIBUTE = AuthenticationMechanism.class.getName() + ".retryAfter";

    @Inject
    IdentityStoreHandler identityStores;

    @Inject
    ScrapeAuthentication scrape;

    @Inject
    LoginThrottle throttle;

    @Inject
    HandshakeThrottle handshakes;

    @Inject
    UserIdentityStore users;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        if (context.isAuthenticationRequest()
                && context.getAuthParameters().getCredential() instanceof UsernamePasswordCredential credential) {
            return formLogin(request, credential, context);
        }
        if (scrape.appliesTo(request)) {
            // Prometheus' bearer token, or a person's Basic credentials throttled like the API's
            return scrape.presentsToken(request) ? scrape.validate(request, response, context)
                    : api(request, response, context, ScrapeAuthentication.CHALLENGE);
        }
        if (isUnder(request, "/api/")) {
            return api(request, response, context, null);
        }
        if (isUnder(request, "/ws/")) {
            return agent(request, response, context);
        }
        // the dashboard's push socket rides on the session cookie, which a foreign page's socket would carry too
        if (isUnder(request, "/admin/push/") && !SameOrigin.allows(request)) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            return AuthenticationStatus.SEND_FAILURE;
        }
        var session = request.getSession(false);
        if (session != null && session.getAttribute(SignedInCaller.SESSION_ATTRIBUTE) instanceof SignedInCaller caller) {
            if (!context.isProtected()) {
                return context.notifyContainerAboutLogin(caller.name(), caller.groups());
            }
            var groups = users.currentGroups(caller.name(), caller.passwordStamp());
            if (groups.isPresent()) {
                return context.notifyContainerAboutLogin(caller.name(), groups.get());
            }
            // the container closes the session's push sockets with it (WebSocket spec 7.2; WebSecurityIT checks)
            session.invalidate();
        }
        if (context.isProtected()) {
            return context.redirect(request.getContextPath() + LOGIN_PAGE);
        }
        return context.doNothing();
    }

    private AuthenticationStatus formLogin(HttpServletRequest request, UsernamePasswordCredential credential,
                                           HttpMessageContext context) {
        var refusal = throttle.refusal(request.getRemoteAddr(), credential.getCaller());
        if (refusal.isPresent()) {
            request.setAttribute(THROTTLED_ATTRIBUTE, seconds(refusal.get()));
            return AuthenticationStatus.SEND_FAILURE;
        }
        CredentialValidationResult result;
        try {
            result = identityStores.validate(credential);
        } catch (RuntimeException e) {
            if (!busy(e)) {
                throw e;
            }
            request.setAttribute(THROTTLED_ATTRIBUTE, 1L);
            return AuthenticationStatus.SEND_FAILURE;
        }
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            throttle.failed(request.getRemoteAddr(), credential.getCaller());
            return AuthenticationStatus.SEND_FAILURE;
        }
        throttle.succeeded(credential.getCaller());
        // A new session id at login, so that an id planted before login is worth nothing after it.
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        String name = result.getCallerPrincipal().getName();
        request.getSession(true).setAttribute(SignedInCaller.SESSION_ATTRIBUTE,
                new SignedInCaller(name, Set.copyOf(result.getCallerGroups()), users.passwordStamp(name)));
        SessionCookie.harden(request, context.getResponse());
        return context.notifyContainerAboutLogin(result);
    }

    /** {@code challenge}: another scheme the 401 offers besides Basic, or null. */
    private AuthenticationStatus api(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context,
                                     String challenge) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            var credential = basicCredential(authorization.substring(BASIC.length()).trim());
            if (credential != null) {
                var refusal = throttle.refusal(request.getRemoteAddr(), credential.getCaller());
                if (refusal.isPresent()) {
                    return refuse(request, response, 429, seconds(refusal.get()),
                            "too many failed sign-ins from this address or for this user; try again later");
                }
                CredentialValidationResult result;
                try {
                    result = identityStores.validate(credential);
                } catch (RuntimeException e) {
                    if (!busy(e)) {
                        throw e;
                    }
                    return refuse(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, 1, new PasswordCheckBusy().getMessage());
                }
                if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                    throttle.succeeded(credential.getCaller());
                    return context.notifyContainerAboutLogin(result);
                }
                throttle.failed(request.getRemoteAddr(), credential.getCaller());
            }
            return unauthorized(response, context, challenge);
        }
        return context.isProtected() ? unauthorized(response, context, challenge) : context.doNothing();
    }

    /** Rejected before the upgrade: a WebSocket client sees the HTTP status, not a closed socket. */
    private AuthenticationStatus agent(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        if (!SameOrigin.allows(request)) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            return AuthenticationStatus.SEND_FAILURE;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = authorization.substring(BEARER.length()).trim();
            var refusal = handshakes.refusal(AgentTokens.hash(token), request.getRemoteAddr());
            if (refusal.isPresent()) {
                // before the lookup, the registration and the replacement of the worker's current socket
                return refuse(request, response, 429, seconds(refusal.get()),
                        "this worker's agent reconnects faster than an agent does (or too many refused tokens come from this address); try again later");
            }
            var result = identityStores.validate(new AgentTokenCredential(token));
            if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                return context.notifyContainerAboutLogin(result);
            }
            handshakes.tokenRefused(request.getRemoteAddr());
        }
        response.setHeader("WWW-Authenticate", "Bearer realm=\"trulience-agents\"");
        return context.responseUnauthorized();
    }

    /** A problem document written here: the refusal happens before any resource, so no mapper would write it. */
    private static AuthenticationStatus refuse(HttpServletRequest request, HttpServletResponse response, int status,
                                               long retryAfterSeconds, String detail) {
        response.setStatus(status);
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        try {
            response.getWriter().write(Problem.of(status, detail, request.getRequestURI()).toJson().toString());
        } catch (IOException clientGone) {
            // nothing to tell a client that left
        }
        return AuthenticationStatus.SEND_FAILURE;
    }

    /** The identity store handler wraps what a store throws (Soteria: IllegalStateException). */
    private static boolean busy(Throwable error) {
        for (var cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof PasswordCheckBusy) {
                return true;
            }
        }
        return false;
    }

    /** Retry-After in whole seconds, rounded up, at least 1. */
    private static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    private static AuthenticationStatus unauthorized(HttpServletResponse response, HttpMessageContext context, String challenge) {
        if (challenge != null) {
            response.addHeader("WWW-Authenticate", challenge);
        }
        response.addHeader("WWW-Authenticate", "Basic realm=\"trulience\", charset=\"UTF-8\"");
        return context.responseUnauthorized();
    }

    static UsernamePasswordCredential basicCredential(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon <= 0 ? null : new UsernamePasswordCredential(decoded.substring(0, colon), decoded.substring(colon + 1));
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static boolean isUnder(HttpServletRequest request, String prefix) {
        return request.getRequestURI().startsWith(request.getContextPath() + prefix);
    }
}
