package com.trulience.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Deployed;
import com.trulience.testing.TcpProxy;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sign-in and web hardening on the deployed WAR (issue 16): password guessing throttled with 429, users managed
 * through the API, sessions that follow role and password changes, push sockets closed at sign-out, security headers
 * and cookie flags, and a readiness answer that leaks nothing. The WAR runs as a least-privilege database role that
 * owns only its database (no superuser), through a relay the test can cut. The guessing test runs last: it locks
 * the loopback address for everything after it.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebSecurityIT extends Deployed {

    private static final String DATABASE = "trulience_it_websecurity";
    private static final String ROLE = TestDatabase.name("trulience_it_app");
    private static final String ADMIN_PASSWORD = "websecurity-admin-password";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern VIEW_STATE = Pattern.compile("name=\"jakarta.faces.ViewState\"[^>]*value=\"([^\"]*)\"");

    private static TcpProxy database;
    private static String agentToken;

    @Deployment(testable = false)
    static WebArchive deployment() throws Exception {
        String name = TestDatabase.name(DATABASE);
        try (var connection = DriverManager.getConnection(TestDatabase.url("postgres"), TestDatabase.USER, TestDatabase.PASSWORD);
             var statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            statement.execute("DROP ROLE IF EXISTS " + ROLE);
            statement.execute("CREATE ROLE " + ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION");
            statement.execute("CREATE DATABASE " + name + " OWNER " + ROLE);
        }
        database = new TcpProxy(TestDatabase.PORT);
        return TrulienceWar.withConfig(Map.of(
                "trulience.db.url", "jdbc:postgresql://127.0.0.1:" + database.port() + "/" + name,
                "trulience.db.user", ROLE,
                "trulience.db.password", "unused-with-trust-auth",
                "trulience.admin.password", ADMIN_PASSWORD));
    }

    @Test
    @Order(1)
    void migratesAndIngestsAsARoleThatIsNoSuperuserAndOwnsOnlyItsDatabase() throws Exception {
        assertEquals("f", TestDatabase.query(DATABASE, "SELECT rolsuper FROM pg_roles WHERE rolname = '" + ROLE + "'"));
        assertEquals(ROLE, TestDatabase.query(DATABASE, "SELECT tableowner FROM pg_tables WHERE tablename = 'gpu_metrics'"));
        assertEquals(ROLE, TestDatabase.query(DATABASE, "SELECT tableowner FROM pg_tables WHERE tablename = 'flyway_schema_history'"));
        assertEquals(200, Api.anonymous(base).get("health/ready").statusCode());
        var worker = admin().registerWorker("least-privilege-1");
        agentToken = worker.token();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send("""
                    {"type":"gpu_metrics","worker_id":%d,"seq":1,"timestamp":"%s",
                     "metrics":[{"gpu_index":0,"vram_used_mb":1,"vram_total_mb":2,"temperature_celsius":40,
                                 "utilization_percent":1,"power_draw_watts":100,"fan_speed_percent":null}]}"""
                    .formatted(worker.id(), Instant.now().minusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
            assertEquals("{\"type\":\"ack\",\"seq\":1}", agent.next());
        }
        assertEquals("1", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_metrics WHERE worker_id = " + worker.id()));
    }

    @Test
    @Order(2)
    void pagesForbidFramingAndForeignSourcesAndTheSessionCookieIsSameSiteAndSecureBehindTls() throws Exception {
        var login = HTTP.send(HttpRequest.newBuilder(uri("login.xhtml")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("DENY", login.headers().firstValue("X-Frame-Options").orElse(null));
        String policy = login.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("frame-ancestors 'none'") && policy.contains("default-src 'self'")
                && policy.contains("object-src 'none'"), policy);

        String plain = signIn("admin", ADMIN_PASSWORD, null).headers().allValues("Set-Cookie").toString();
        assertTrue(plain.contains("JSESSIONID=") && plain.contains("SameSite=Lax"), plain);
        assertFalse(plain.contains("Secure"), "plain HTTP: " + plain);
        String behindTls = signIn("admin", ADMIN_PASSWORD, "https").headers().allValues("Set-Cookie").toString();
        assertTrue(behindTls.contains("JSESSIONID=") && behindTls.contains("Secure") && behindTls.contains("SameSite=Lax"), behindTls);
    }

    @Test
    @Order(3)
    void adminsAddUsersAndChangePasswordsAndUsersChangeTheirOwn() throws Exception {
        assertEquals(400, admin().post("api/v1/admin/users", "{\"username\":\"weak\",\"password\":\"short\",\"role\":\"viewer\"}").statusCode());
        assertEquals(400, admin().post("api/v1/admin/users", "{\"username\":\"weak\",\"password\":\"aaaaaaaaaaaaaaaa\",\"role\":\"viewer\"}").statusCode());
        assertEquals(400, admin().post("api/v1/admin/users", "{\"username\":\"x y\",\"password\":\"viewer-password-1\",\"role\":\"viewer\"}").statusCode());
        assertEquals(400, admin().post("api/v1/admin/users", "{\"username\":\"v\",\"password\":\"viewer-password-1\",\"role\":\"root\"}").statusCode());
        var added = admin().post("api/v1/admin/users", "{\"username\":\"viewer-1\",\"password\":\"viewer-password-1\",\"role\":\"viewer\"}");
        assertEquals(201, added.statusCode(), added.body());
        assertFalse(added.body().contains("password"), added.body());
        assertEquals(409, admin().post("api/v1/admin/users", "{\"username\":\"viewer-1\",\"password\":\"viewer-password-1\",\"role\":\"viewer\"}").statusCode());
        assertTrue(admin().get("api/v1/admin/users").body().contains("{\"role\":\"viewer\",\"username\":\"viewer-1\"}"));

        var viewer = Api.as(base, "viewer-1", "viewer-password-1");
        assertEquals(403, viewer.get("api/v1/admin/users").statusCode());
        assertEquals(400, viewer.put("api/v1/account/password", "{\"current_password\":\"wrong-password-1\",\"new_password\":\"viewer-password-2\"}").statusCode());
        assertEquals(204, viewer.put("api/v1/account/password", "{\"current_password\":\"viewer-password-1\",\"new_password\":\"viewer-password-2\"}").statusCode());

        assertEquals(204, admin().put("api/v1/admin/users/viewer-1/password", "{\"password\":\"viewer-password-3\"}").statusCode());
        assertEquals(400, admin().put("api/v1/admin/users/viewer-1/password", "{\"password\":\"weak\"}").statusCode());
        assertEquals(404, admin().put("api/v1/admin/users/nobody/password", "{\"password\":\"viewer-password-3\"}").statusCode());
        assertEquals(403, Api.as(base, "viewer-1", "viewer-password-3").get("api/v1/admin/workers").statusCode());
        assertEquals(409, admin().put("api/v1/admin/users/admin/role", "{\"role\":\"viewer\"}").statusCode(), "the last admin");
    }

    @Test
    @Order(4)
    void aDemotedAdminLosesAdminPagesAtOnceAndAChangedPasswordEndsTheSession() throws Exception {
        assertEquals(201, admin().post("api/v1/admin/users", "{\"username\":\"admin-2\",\"password\":\"second-admin-pw-1\",\"role\":\"admin\"}").statusCode());
        String session = sessionOf(signIn("admin-2", "second-admin-pw-1", null));
        assertEquals(200, page("admin/workers.xhtml", session).statusCode());

        assertEquals(204, admin().put("api/v1/admin/users/admin-2/role", "{\"role\":\"viewer\"}").statusCode());
        assertEquals(403, page("admin/workers.xhtml", session).statusCode(), "the session still held the admin role");
        assertEquals(200, page("admin/hardware.xhtml", session).statusCode());

        assertEquals(204, admin().put("api/v1/admin/users/admin-2/password", "{\"password\":\"second-admin-pw-2\"}").statusCode());
        var afterChange = page("admin/hardware.xhtml", session);
        assertEquals(302, afterChange.statusCode());
        assertTrue(afterChange.headers().firstValue("Location").orElse("").endsWith("/login.xhtml"), afterChange.headers().map().toString());
    }

    @Test
    @Order(5)
    void signingOutClosesThePushSocketsOfThatSession() throws Exception {
        var signedIn = signIn("admin", ADMIN_PASSWORD, null);
        String session = sessionOf(signedIn);
        var closed = new CompletableFuture<Integer>();
        var push = HTTP.newWebSocketBuilder().header("Cookie", "JSESSIONID=" + session)
                .buildAsync(URI.create(uri("admin/push/fleet").toString().replaceFirst("^http", "ws")), new WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                        closed.complete(code);
                        return null;
                    }
                }).join();
        try {
            var hardware = page("admin/hardware.xhtml", session);
            var viewState = VIEW_STATE.matcher(hardware.body());
            assertTrue(viewState.find(), hardware.body());
            var logout = post("admin/hardware.xhtml", session, Map.of("topbar", "topbar", "topbar:logout", "",
                    "jakarta.faces.ViewState", viewState.group(1)));
            assertEquals(302, logout.statusCode(), logout.body());
            assertEquals(1008, closed.get(10, TimeUnit.SECONDS));
        } finally {
            push.abort();
        }
    }

    @Test
    @Order(6)
    void readinessTellsAnonymousCallersNoDriverDetails() throws Exception {
        try {
            database.cut();
            var down = Api.anonymous(base).get("health/ready");
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().contains("PostgreSQL unreachable"), down.body());
            for (String leak : new String[] {"127.0.0.1", Integer.toString(database.port()), "Connection", "refused", "Exception", ROLE}) {
                assertFalse(down.body().contains(leak), leak + " in " + down.body());
            }
        } finally {
            database.restore();
        }
        var deadline = Instant.now().plusSeconds(30);
        while (Api.anonymous(base).get("health/ready").statusCode() != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
    }

    /** Last: it locks the loopback address, from which every request of this class comes. */
    @Test
    @Order(100)
    void guessingPasswordsIsAnswered429WithRetryAfterBeforeAnyHashing() throws Exception {
        var guesser = Api.as(base, "admin", "not-the-password-0");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, Api.as(base, "admin", "not-the-password-" + i).get("api/v1/admin/workers").statusCode(), "guess " + i);
        }
        var refused = guesser.get("api/v1/admin/workers");
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 300, "Retry-After " + retryAfter);
        assertTrue(refused.body().contains("\"status\":429"), refused.body());

        // an unknown user name from another guess is refused the same way (the address is locked)
        assertEquals(429, Api.as(base, "no-such-user", "whatever-it-is-1").get("api/v1/admin/workers").statusCode());
        var form = signIn("admin", "not-the-password-9", null);
        assertEquals(429, form.statusCode());
        assertTrue(form.body().contains("Too many failed sign-ins"), form.body());
        assertEquals(429, admin().get("api/v1/admin/workers").statusCode(), "even the right password waits while the address is locked");
        // agents sign in with their token, which the throttle does not touch
        assertEquals(101, AgentClient.refusedStatus(base, agentToken, null));
    }

    // --- helpers ---

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    private URI uri(String path) throws Exception {
        return new java.net.URL(base, path).toURI();
    }

    /** The login form posted as a browser would; {@code forwardedProto} as a TLS-terminating proxy would add it. */
    private HttpResponse<String> signIn(String username, String password, String forwardedProto) throws Exception {
        var form = HTTP.send(HttpRequest.newBuilder(uri("login.xhtml")).build(), HttpResponse.BodyHandlers.ofString());
        var viewState = VIEW_STATE.matcher(form.body());
        assertTrue(viewState.find(), form.body());
        var request = HttpRequest.newBuilder(uri("login.xhtml"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(Map.of("login", "login", "login:username", username,
                        "login:password", password, "login:submit", "", "jakarta.faces.ViewState", viewState.group(1)))));
        if (forwardedProto != null) {
            request.header("X-Forwarded-Proto", forwardedProto);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sessionOf(HttpResponse<String> signedIn) {
        assertEquals(302, signedIn.statusCode(), signedIn.body());
        return signedIn.headers().allValues("Set-Cookie").stream().filter(cookie -> cookie.startsWith("JSESSIONID="))
                .reduce((first, last) -> last).map(cookie -> cookie.substring("JSESSIONID=".length(), cookie.indexOf(';')))
                .orElseThrow(() -> new AssertionError("no session cookie: " + signedIn.headers().map()));
    }

    private HttpResponse<String> page(String path, String session) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Cookie", "JSESSIONID=" + session).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String session, Map<String, String> fields) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Cookie", "JSESSIONID=" + session)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(Map<String, String> fields) {
        var body = new StringBuilder();
        fields.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return body.toString();
    }
}
