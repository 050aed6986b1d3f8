package com.trulience.dashboard;

import static com.trulience.testing.Browser.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.Api;
import com.trulience.testing.Pbkdf2;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Who signs in sees what (runs as {@link DashboardIT.Login}): a viewer only reads, the live channel is the session's. */
abstract class LoginIT extends DashboardPages {

    private static final String VIEWER_PASSWORD = "dashboard-viewer-password";

    @Test
    void aViewerReadsEveryPageButHasNoAdminControls() throws Exception {
        Pbkdf2.addUser(DATABASE, "viewer", VIEWER_PASSWORD, "viewer");
        var worker = reportedOnce(50);
        signIn("viewer", VIEWER_PASSWORD);
        assertEquals("viewer", text(browser.find(By.id("topbar:role"))).toLowerCase());
        awaitGauge(worker, "temperature_celsius", "50 °C", "ok");
        assertOnlySignOut();
        assertTrue(browser.findAll(By.cssSelector(".restart-button")).isEmpty());
        openWorkerPage(worker);
        assertOnlySignOut();
        assertTrue(browser.findAll(By.cssSelector(".admin-only, .restart-button")).isEmpty());
        assertEquals(403, Api.as(base, "viewer", VIEWER_PASSWORD).post("api/v1/admin/workers/" + worker.id() + "/restart",
                "{\"service_name\":\"comfyui\"}").statusCode());
        browser.find(By.id("topbar:nav-alerts")).click();
        browser.until("the alerts page", () -> !browser.findAll(By.id("open-alerts")).isEmpty());
        assertOnlySignOut();
        assertEquals(403, Api.as(base, "viewer", VIEWER_PASSWORD).get("api/v1/admin/workers").statusCode());
        for (String adminPage : List.of("admin/thresholds.xhtml?worker=" + worker.id(), "admin/thresholds.xhtml", "admin/workers.xhtml",
                "admin/users.xhtml")) {
            browser.open(base, adminPage);
            assertTrue(browser.findAll(By.cssSelector("form input, form button")).isEmpty(), adminPage);
            assertTrue(browser.driver().getPageSource().contains("403"), adminPage + ": " + browser.driver().getPageSource());
        }
    }

    @Test
    void thePushSocketRefusesAForeignOriginAndAnonymousCallers() throws Exception {
        signIn("admin", ADMIN_PASSWORD);
        String session = browser.driver().manage().getCookieNamed("JSESSIONID").getValue();
        String sameOrigin = "http://" + base.getHost() + ":" + base.getPort();
        assertEquals(101, pushHandshake(session, sameOrigin));
        assertEquals(403, pushHandshake(session, "https://evil.example"));
        assertTrue(pushHandshake(null, sameOrigin) != 101);
    }

    private void assertOnlySignOut() {
        var controls = browser.findAll(By.cssSelector("button, input[type=submit], input[type=text], textarea, select"));
        assertEquals(List.of("topbar:logout"), controls.stream().map(control -> control.getAttribute("id")).toList());
    }

    private int pushHandshake(String session, String origin) {
        var uri = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/admin/push/fleet");
        var builder = HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", origin);
        if (session != null) {
            builder.header("Cookie", "JSESSIONID=" + session);
        }
        try {
            builder.buildAsync(uri, new WebSocket.Listener() { }).join().abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }
}
