package com.trulience.platform;

import com.trulience.testing.Deployed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.Api;
import com.trulience.testing.Await;
import com.trulience.testing.Pbkdf2;
import com.trulience.testing.TcpProxy;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlPage;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built WAR in Payara Micro on its own PostgreSQL database: schema at start-up, health, the security
 * foundation (Basic for the API, form login for pages) and problem documents.
 */
@ExtendWith(ArquillianExtension.class)
class PlatformIT extends Deployed {

    private static final String DATABASE = "trulience_it_platform";
    private static final String ADMIN_PASSWORD = "it-admin-" + Long.toHexString(new SecureRandom().nextLong());
    private static final String VIEWER_PASSWORD = "it-viewer-password";

    private static TcpProxy database;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        TestDatabase.recreate(DATABASE);
        // The application reaches PostgreSQL through a relay the test can cut.
        database = new TcpProxy(TestDatabase.PORT);
        return TrulienceWar.withConfig(Map.of(
                "trulience.db.url", "jdbc:postgresql://127.0.0.1:" + database.port() + "/" + TestDatabase.name(DATABASE),
                "trulience.db.user", TestDatabase.USER,
                "trulience.db.password", "unused-with-trust-auth",
                "trulience.admin.password", ADMIN_PASSWORD));
    }

    @Test
    void migratesTheSchemaAtStartupAndReportsReady() throws Exception {
        var ready = get("health/ready", null);
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"name\":\"database\",\"status\":\"UP\""), ready.body());
        assertEquals(200, get("health/live", null).statusCode());
        int migrations = new File("../db").list((dir, name) -> name.matches("V\\d+__.*\\.sql")).length;
        assertEquals(String.valueOf(migrations), query("SELECT COUNT(*) FROM flyway_schema_history WHERE success"));
    }

    @Test
    void createsTheFirstAdminWithAPbkdf2HashOfTheConfiguredPassword() throws Exception {
        String hash = query("SELECT password_hash FROM users WHERE username = 'admin' AND role = 'admin'");
        String[] parts = hash.split(":");
        assertEquals("PBKDF2WithHmacSHA256", parts[0]);
        assertTrue(Integer.parseInt(parts[1]) >= 600_000, hash);
        assertTrue(!hash.contains(ADMIN_PASSWORD));
        assertEquals(200, get("api/v1/admin/workers", basic("admin", ADMIN_PASSWORD)).statusCode());
    }

    @Test
    void adminApiAnswers401WithoutCredentialsAsAProblemDocument() throws Exception {
        var response = get("api/v1/admin/workers", null);
        assertEquals(401, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertTrue(response.body().contains("\"status\":401"), response.body());
    }

    @Test
    void adminApiAnswers401ForAWrongPasswordOrMalformedCredentials() throws Exception {
        assertEquals(401, get("api/v1/admin/workers", basic("admin", "not-the-password")).statusCode());
        assertEquals(401, get("api/v1/admin/workers", basic("nobody", ADMIN_PASSWORD)).statusCode());
        assertEquals(401, get("api/v1/admin/workers", "Basic !!!not-base64").statusCode());
    }

    @Test
    void adminApiAnswers403ForAViewerAnd200ForTheAdmin() throws Exception {
        Pbkdf2.addUser(DATABASE, "viewer", VIEWER_PASSWORD, "viewer");
        var forbidden = get("api/v1/admin/workers", basic("viewer", VIEWER_PASSWORD));
        assertEquals(403, forbidden.statusCode());
        assertTrue(forbidden.body().contains("\"status\":403"), forbidden.body());

        execute("INSERT INTO workers (name, hostname) VALUES ('gpu-01', 'gpu-01.lab') ON CONFLICT (name) DO NOTHING");
        var ok = get("api/v1/admin/workers", basic("admin", ADMIN_PASSWORD));
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("\"name\":\"gpu-01\""), ok.body());
        assertTrue(ok.body().contains("\"status\":\"offline\""), ok.body());
    }

    @Test
    void unknownPathsAnswer404ProblemDocuments() throws Exception {
        var response = get("no/such/page", null);
        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("\"title\":\"Not Found\""), response.body());
    }

    @Test
    void dashboardSendsAnAnonymousBrowserToTheLoginPage() throws Exception {
        try (var browser = browser()) {
            HtmlPage page = browser.getPage(new URL(base, "admin/hardware.xhtml"));
            assertTrue(page.getUrl().getPath().endsWith("/login.xhtml"), page.getUrl().toString());
            assertEquals("Sign in - Trulience Hardware Monitor", page.getTitleText());
            assertTrue(page.getElementById("login:username") != null && page.getElementById("login:password") != null);
        }
    }

    @Test
    void formLoginSignsTheAdminInWithANewSessionAndLogoutSignsOut() throws Exception {
        try (var browser = browser()) {
            // the login page is stateless, so the first session is the signed-in one
            HtmlPage first = signIn(browser.getPage(new URL(base, "login.xhtml")), "admin", ADMIN_PASSWORD);
            assertTrue(first.getUrl().getPath().endsWith("/admin/fleet.xhtml"), first.getUrl().toString());
            String sessionBefore = browser.getCookieManager().getCookie("JSESSIONID").getValue();

            // signing in with a session that already exists (one an attacker could have planted) changes its id
            HtmlPage hardware = signIn(browser.getPage(new URL(base, "login.xhtml")), "admin", ADMIN_PASSWORD);
            assertTrue(hardware.getUrl().getPath().endsWith("/admin/fleet.xhtml"), hardware.getUrl().toString());
            assertTrue(hardware.asNormalizedText().contains("Signed in as admin"), hardware.asNormalizedText());
            assertNotEquals(sessionBefore, browser.getCookieManager().getCookie("JSESSIONID").getValue());

            HtmlPage afterLogout = hardware.getHtmlElementById("topbar:logout").click();
            assertTrue(afterLogout.getUrl().getPath().endsWith("/login.xhtml"), afterLogout.getUrl().toString());
            HtmlPage again = browser.getPage(new URL(base, "admin/hardware.xhtml"));
            assertTrue(again.getUrl().getPath().endsWith("/login.xhtml"), again.getUrl().toString());
        }
    }

    @Test
    void formLoginWithAWrongPasswordStaysOnTheLoginPageWithAMessage() throws Exception {
        try (var browser = browser()) {
            HtmlPage result = signIn(browser.getPage(new URL(base, "login.xhtml")), "admin", "wrong");
            assertTrue(result.getUrl().getPath().endsWith("/login.xhtml"), result.getUrl().toString());
            assertTrue(result.asNormalizedText().contains("Wrong username or password."), result.asNormalizedText());
        }
    }

    @Test
    void readinessIsDownWhileTheDatabaseIsUnreachableAndUpAgainWithoutARestart() throws Exception {
        try {
            database.cut();
            var down = get("health/ready", null);
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().contains("PostgreSQL unreachable"), down.body());
        } finally {
            database.restore();
        }
        var ready = Await.until("readiness again", Duration.ofSeconds(30), () -> get("health/ready", null),
                response -> response.statusCode() == 200);
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals(200, get("api/v1/admin/workers", basic("admin", ADMIN_PASSWORD)).statusCode());
    }

    private static HtmlPage signIn(HtmlPage login, String username, String password) throws IOException {
        login.getHtmlElementById("login:username").type(username);
        login.getHtmlElementById("login:password").type(password);
        return login.getHtmlElementById("login:submit").click();
    }

    private static WebClient browser() {
        var browser = new WebClient();
        browser.getOptions().setCssEnabled(false);
        // the dashboard's live socket is DashboardIT's (Chromium); HtmlUnit's socket client lacks its slf4j here
        browser.getOptions().setWebSocketEnabled(false);
        browser.getOptions().setThrowExceptionOnFailingStatusCode(false);
        return browser;
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return new Api(base, authorization).get(path);
    }

    private static String basic(String username, String password) {
        return Api.basic(username, password);
    }

    private static String query(String sql) {
        return TestDatabase.query(DATABASE, sql);
    }

    private static void execute(String sql) {
        TestDatabase.execute(DATABASE, sql);
    }
}
