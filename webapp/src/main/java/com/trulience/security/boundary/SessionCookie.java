package com.trulience.security.boundary;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;

/**
 * The session cookie gets {@code Secure} whenever the browser reached us over TLS: Payara sets it itself when the
 * connection is TLS, but behind a TLS-terminating proxy the connection is plain HTTP and only the proxy's
 * {@code X-Forwarded-Proto: https} says so. Trusting that header from anyone is harmless here: at worst a client
 * gets a cookie that its browser will only send over https. SameSite=Lax comes from web.xml.
 */
final class SessionCookie {

    private SessionCookie() {
    }

    /** Rewrites the session cookie the container just set for this login, before the response is committed. */
    static void secureBehindTls(HttpServletRequest request, HttpServletResponse response) {
        if (request.isSecure() || !"https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"))) {
            return;
        }
        var cookies = new ArrayList<>(response.getHeaders("Set-Cookie"));
        if (cookies.isEmpty()) {
            return;
        }
        boolean first = true;
        for (String cookie : cookies) {
            String secured = cookie.startsWith("JSESSIONID=") && !cookie.toLowerCase().contains("; secure") ? cookie + "; Secure" : cookie;
            if (first) {
                response.setHeader("Set-Cookie", secured);
                first = false;
            } else {
                response.addHeader("Set-Cookie", secured);
            }
        }
    }
}
