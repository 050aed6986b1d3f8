package com.trulience.security.boundary;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;

/**
 * The session cookie that login sets gets {@code SameSite=Lax}, and {@code Secure} whenever the browser reached us
 * over TLS: Payara sets Secure itself when the connection is TLS, but behind a TLS-terminating proxy the connection
 * is plain HTTP and only the proxy's {@code X-Forwarded-Proto: https} says so. Trusting that header from anyone is
 * harmless here: at worst a client gets a cookie that its browser will only send over https. Lax rather than Strict,
 * so that a link to the dashboard in an alert (mail, Slack) opens signed in; posts are guarded by the view state.
 * Done here because Payara 6 ignores web.xml's cookie-config attributes (Servlet 6), and only login sets a session
 * cookie (the login page is stateless, everything else needs the session).
 */
final class SessionCookie {

    private SessionCookie() {
    }

    /** Rewrites the session cookie the container just set for this login, before the response is committed. */
    static void harden(HttpServletRequest request, HttpServletResponse response) {
        boolean secure = !request.isSecure() && "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
        var cookies = new ArrayList<>(response.getHeaders("Set-Cookie"));
        if (cookies.isEmpty()) {
            return;
        }
        boolean first = true;
        for (String cookie : cookies) {
            String secured = cookie;
            if (cookie.startsWith("JSESSIONID=")) {
                String lower = cookie.toLowerCase();
                secured += (lower.contains("samesite=") ? "" : "; SameSite=Lax") + (secure && !lower.contains("; secure") ? "; Secure" : "");
            }
            if (first) {
                response.setHeader("Set-Cookie", secured);
                first = false;
            } else {
                response.addHeader("Set-Cookie", secured);
            }
        }
    }
}
