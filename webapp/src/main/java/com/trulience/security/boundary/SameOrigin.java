package com.trulience.security.boundary;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Cross-site WebSocket hijacking guard: a browser always sends Origin, and a page of another site must not
 * open a socket with credentials it does not own. Agents send no Origin and pass.
 */
final class SameOrigin {

    private SameOrigin() {
    }

    static boolean allows(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = request.getHeader("Host");
        try {
            var uri = new URI(origin);
            if (uri.getHost() == null || host == null) {
                return false;
            }
            return uri.getRawAuthority().equalsIgnoreCase(host)
                    || (uri.getPort() == -1 && host.equalsIgnoreCase(uri.getHost() + ":" + defaultPort(uri.getScheme())));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }
}
