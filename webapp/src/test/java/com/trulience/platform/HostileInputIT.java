package com.trulience.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Await;
import com.trulience.testing.Deployed;
import com.trulience.testing.Frames;
import com.trulience.testing.ServerHeap;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlPage;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile input against the deployed WAR (OWASP's WebSocket and input-validation advice): oversized, fragmented,
 * malformed and absurd agent frames, floods, hostile names, SQL metacharacters in the API, cross-site form posts and
 * markup in stored text. After every burst a well-behaved agent's frame must still be acked, and at the end the
 * server's heap must be about where it was. What IngestionIT, RestartIT and DashboardIT already prove (401/403 at the
 * handshake, 1008 for another worker's id, replay, a viewer's 403, two restarts at once) is not repeated here.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT extends Deployed {

    private static final String DATABASE = "trulience_it_hostile";
    private static final String ADMIN_PASSWORD = "hostile-admin-password";
    private static final AtomicInteger WORKERS = new AtomicInteger();
    private static final AtomicLong STEADY_SEQ = new AtomicLong();
    private static final long HEAP_GROWTH_LIMIT = 48L << 20;
    /** RFC 6455: the connection closed without a close frame. */
    private static final int ABNORMAL_CLOSURE = 1006;

    private static Api.RegisteredWorker steady;
    private static AgentClient steadyAgent;
    private static long heapBefore = -1;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of());
    }

    @AfterAll
    static void disconnectTheSteadyAgent() {
        if (steadyAgent != null) {
            steadyAgent.close();
        }
    }

    @Test
    @Order(1)
    void aWellBehavedAgentIsServedBeforeAnyHostileInput() throws Exception {
        steady = register();
        steadyAgent = AgentClient.connect(base, steady.token());
        steadyAgent.send(hello(steady.id(), "comfyui"));
        for (int i = 0; i < 50; i++) {
            assertServesTheSteadyAgent();
        }
        var heap = ServerHeap.usedAfterGc();
        heapBefore = heap.orElse(-1);
        System.out.printf("HostileInputIT: server heap after warm-up %.1f MiB%n", heapBefore / 1048576.0);
    }

    @Test
    void closesOversizedAndFragmentedFramesWith1009AndTakesExactly64KiB() throws Exception {
        var worker = register();
        String frame = metrics(worker.id(), 1, Instant.now(), 1);
        String padded = frame.substring(0, frame.length() - 1) + ",\"padding\":\"";
        String exactly64KiB = padded + "x".repeat(64 * 1024 - padded.length() - 2) + "\"}";
        assertEquals(64 * 1024, exactly64KiB.getBytes(StandardCharsets.UTF_8).length);
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(exactly64KiB);
            assertEquals("{\"type\":\"ack\",\"seq\":1}", agent.next());
        }
        String oneByteMore = exactly64KiB.replace("\"padding\":\"", "\"padding\":\"x");
        assertEquals(1009, closeCodeAfter(worker, agent -> agent.send(oneByteMore)));
        // The backend closes before the 4 MB are through; the client may still be writing and see the connection reset
        // instead of reading the close frame.
        int fourMegabytes = closeCodeAfter(worker, agent -> agent.send("{\"type\":\"hello\",\"padding\":\"" + "x".repeat(4 << 20) + "\"}"));
        assertTrue(fourMegabytes == 1009 || fourMegabytes == ABNORMAL_CLOSURE, "closed with " + fourMegabytes);
        assertEquals(1009, closeCodeAfter(worker, agent -> {
            agent.sendPart("{\"type\":\"hello\",\"padding\":\"", false);
            for (int i = 0; i < 8; i++) {
                agent.sendPart("x".repeat(16 * 1024), false);
            }
            agent.sendPart("\"}", true);
        }));
        assertServesTheSteadyAgent();
    }

    @Test
    void answersMalformedAndAbsurdFramesWithAnErrorNamingTheFieldAndKeepsTheSocketOpen() throws Exception {
        var worker = register();
        long id = worker.id();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String good = metrics(id, 5, now, 2);
        String thousandsOfGpus = String.join(",", Collections.nCopies(10_000, "{}"));
        var cases = List.of(
                List.of("", "invalid_json", ""),
                List.of("null", "invalid_json", ""),
                List.of("[1,2]", "invalid_json", ""),
                List.of("\"text\"", "invalid_json", ""),
                List.of("\u0000\u0001\u0002", "invalid_json", ""),
                List.of(good.substring(0, good.length() / 2), "invalid_json", ""),
                List.of("[".repeat(60_000), "invalid_json", ""),
                List.of("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000), "invalid_json", ""),
                List.of("{}", "unknown_type", "type"),
                List.of("{\"type\":\"shutdown\",\"worker_id\":" + id + "}", "unknown_type", "type"),
                List.of("{\"type\":\"gpu_metrics\",\"worker_id\":\"" + id + "\"}", "invalid_payload", "worker_id"),
                List.of("{\"type\":\"gpu_metrics\",\"worker_id\":null}", "invalid_payload", "worker_id"),
                List.of(good.replace("\"utilization_percent\":50", "\"utilization_percent\":NaN"), "invalid_json", ""),
                List.of(good.replace("\"utilization_percent\":50", "\"utilization_percent\":Infinity"), "invalid_json", ""),
                List.of(good.replace("\"utilization_percent\":50", "\"utilization_percent\":-1"), "invalid_payload", "metrics[0].utilization_percent"),
                List.of(good.replace("\"utilization_percent\":50", "\"utilization_percent\":1e400"), "invalid_payload", "metrics[0].utilization_percent"),
                List.of(good.replace("\"utilization_percent\":50", "\"utilization_percent\":50.5"), "invalid_payload", "metrics[0].utilization_percent"),
                List.of(good.replace("\"vram_total_mb\":81559", "\"vram_total_mb\":1e999999999"), "invalid_payload", "metrics[0].vram_total_mb"),
                List.of(good.replace("\"vram_used_mb\":1024", "\"vram_used_mb\":-9223372036854775809"), "invalid_payload", "metrics[1].vram_used_mb"),
                List.of(good.replace("\"temperature_celsius\":40", "\"temperature_celsius\":-273"), "invalid_payload", "metrics[1].temperature_celsius"),
                List.of(good.replace("\"seq\":5", "\"seq\":-1"), "invalid_payload", "seq"),
                List.of(good.replace("\"seq\":5", "\"seq\":1e30"), "invalid_payload", "seq"),
                List.of(good.replace("[{\"gpu_index\"", "[" + thousandsOfGpus + ",{\"gpu_index\""), "invalid_payload", "metrics"),
                List.of(hello(id).replace("\"gpus\":[", "\"gpus\":[" + thousandsOfGpus + ","), "invalid_payload", "gpus"),
                List.of(good.replace(now.toString(), "+999999999-12-31T23:59:59Z"), "invalid_payload", "timestamp"),
                List.of(good.replace(now.toString(), "9999-12-31T23:59:59Z"), "invalid_payload", "timestamp"),
                // a clock minutes ahead is corrected now (ClockSkewIT); more than a year ahead is a wrong date, refused
                List.of(good.replace(now.toString(), now.plus(Duration.ofDays(367)).toString()), "invalid_payload", "timestamp"),
                List.of(good.replace(now.toString(), now.minus(Duration.ofDays(91)).toString()), "invalid_payload", "timestamp"),
                List.of(good.replace(now.toString(), "1970-01-01T00:00:00Z"), "invalid_payload", "timestamp"),
                List.of(good.replace(now.toString(), "-999999999-01-01T00:00:00Z"), "invalid_payload", "timestamp"),
                List.of(good.replace(now.toString(), "2026-13-45T25:61:61Z"), "invalid_payload", "timestamp"),
                List.of(good.replace("\"" + now + "\"", "1e99"), "invalid_payload", "timestamp"));
        try (var agent = AgentClient.connect(base, worker.token())) {
            for (var hostile : cases) {
                String shown = hostile.get(0).length() > 80 ? hostile.get(0).substring(0, 80) + "..." : hostile.get(0);
                agent.send(hostile.get(0));
                JsonObject error;
                try {
                    error = json(agent.next());
                } catch (AssertionError silent) {
                    throw new AssertionError("no answer to " + shown, silent);
                }
                assertEquals("error", error.getString("type"), shown);
                assertEquals(hostile.get(1), error.getString("code"), shown + " -> " + error);
                assertEquals(hostile.get(2), error.getString("field", ""), shown + " -> " + error);
                assertFalse(error.getString("message").isBlank(), error.toString());
            }
            assertTrue(agent.isOpen());
            assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_metrics WHERE worker_id = " + id));
            agent.send(good);
            assertEquals("{\"type\":\"ack\",\"seq\":5}", agent.next());
        }
        // An absurd worker_id is another worker's: closed at once, no hang on the huge number.
        assertEquals(1008, closeCodeAfter(worker, agent -> agent.send(good.replace("\"worker_id\":" + id, "\"worker_id\":1e999999999"))));
        assertServesTheSteadyAgent();
    }

    @Test
    void refusesHostileNamesInTheHelloAndKeepsTheLastGoodOne() throws Exception {
        var worker = register();
        var hostileServices = List.of("comfyui;reboot", "$(id)", "`id`", "a|b", "a&&b", "../../etc/passwd", "..\\..\\x",
                "/usr/bin/comfyui", "comfyui\nsshd", "comfyui\u0000", "comfyu\u0456", "\u202Eiuyfmoc", "\uFF43omfyui", "x".repeat(65),
                "x".repeat(50_000), "");
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id(), "comfyui"));
            for (String service : hostileServices) {
                agent.send(hello(worker.id(), service));
                var error = json(agent.next());
                assertEquals("services[0]", error.getString("field"), service.length() > 40 ? service.substring(0, 40) : service);
            }
            agent.send(hello(worker.id(), "comfyui").replace("\"hostname\":\"gpu-host-" + worker.id() + "\"", "\"hostname\":\"a;rm -rf /\""));
            assertEquals("hostname", json(agent.next()).getString("field"));
            agent.send(hello(worker.id(), "comfyui").replace("\"hostname\":\"gpu-host-" + worker.id() + "\"",
                    "\"hostname\":\"" + "h".repeat(254) + "\""));
            assertEquals("hostname", json(agent.next()).getString("field"));
            agent.send(hello(worker.id(), "comfyui").replace("NVIDIA H100", "<script>alert(1)</script>"));
            assertEquals("gpus[0].name", json(agent.next()).getString("field"));
            assertTrue(agent.isOpen());
        }
        var view = json(admin().get("api/v1/admin/workers/" + worker.id()).body());
        assertEquals("[\"comfyui\"]", view.getJsonArray("services").toString());
        assertEquals("gpu-host-" + worker.id(), view.getString("hostname"));
        assertEquals("NVIDIA H100 80GB HBM3", view.getJsonArray("gpus").getJsonObject(0).getString("name"));
        assertServesTheSteadyAgent();
    }

    @Test
    void closesAnAgentThatFloodsFramesWhileTheOthersAreServed() throws Exception {
        var garbage = register();
        int sent = 0;
        long connected = System.nanoTime();
        try (var flooder = AgentClient.connect(base, garbage.token())) {
            // Until the close, however long a busy machine takes to get there: the budget is frames per second of
            // the server's clock, so a fixed count of frames is a race against the machine's speed.
            long deadline = connected + TimeUnit.MINUTES.toNanos(3);
            try {
                for (; flooder.isOpen() && System.nanoTime() < deadline; sent++) {
                    flooder.send("garbage " + sent);
                }
            } catch (CompletionException closedMeanwhile) {
                // the backend hung up while frames were still going out
            }
            long started = System.nanoTime();
            assertServesTheSteadyAgent();
            System.out.printf("HostileInputIT: steady agent acked %.1f ms into a flood of %d invalid frames%n",
                    (System.nanoTime() - started) / 1e6, sent);
            assertEquals(1008, flooder.closedWith(), "after " + sent + " frames");
            double seconds = (System.nanoTime() - connected) / 1e9;
            assertTrue(flooder.closeReason().contains("frames a second"), flooder.closeReason());
            // what the budget allows in the time the socket was open, by count: the burst and the refill
            long allowed = 200 + Math.round(20 * seconds) + 1;
            assertTrue(flooder.waiting() <= allowed, flooder.waiting() + " error frames answered in " + seconds
                    + " s before the close; the budget allows " + allowed);
        }

        // Batches that do not wait for their acks: 64 GPUs each, far more than the agent's window.
        var batches = register();
        // Each batch a second of its own, all of them in the past: from an hour back, the 3,900th would be more than
        // 5 minutes ahead, an invalid frame that spends the frame budget, and the flood closed for that reason instead.
        Instant start = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        // The flooder's row in workers is locked meanwhile, so none of its batches can be stored: the limit is reached by
        // count (the 257th frame finds 256 batches unacked, those paced beyond the first 64 included), not by racing a
        // server that may store them as fast as they come (it did, once the acks had threads of their own, and the
        // flood was never closed).
        try (var stall = DriverManager.getConnection(TestDatabase.url(TestDatabase.name(DATABASE)), TestDatabase.USER,
                TestDatabase.PASSWORD); var flooder = AgentClient.connect(base, batches.token())) {
            stall.setAutoCommit(false);
            try (var lock = stall.prepareStatement("SELECT id FROM workers WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, batches.id());
                lock.executeQuery().close();
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            try {
                for (sent = 0; flooder.isOpen() && System.nanoTime() < deadline; sent++) {
                    flooder.send(metrics(batches.id(), sent, start.plusSeconds(sent), 64));
                }
            } catch (CompletionException closedMeanwhile) {
                // as above
            }
            stall.rollback();
            assertServesTheSteadyAgent();
            assertEquals(1008, flooder.closedWith(), "after " + sent + " batches");
            assertTrue(flooder.closeReason().contains("wait for their ack"), flooder.closeReason());
            System.out.printf("HostileInputIT: a batch flood was closed after %d batches of 64 GPUs were sent%n", sent);
        }
        assertServesTheSteadyAgent();
    }

    @Test
    void answersSqlMetacharactersInEveryApiParameterWithoutA500AndLosesNothing() throws Exception {
        var worker = register();
        String workers = TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM workers");
        // Each request pays the admin's PBKDF2 check (~30 ms here): a short list, every parameter.
        var hostile = List.of("'", "' OR '1'='1", "1; DROP TABLE workers; --", "1' UNION SELECT token_hash FROM workers --",
                "\\", "$$", "%_", "\u0000", "9223372036854775808", "1e999", " ");
        var paths = List.of(
                "api/v1/admin/workers/%s",
                "api/v1/admin/workers/%s/metrics",
                "api/v1/admin/workers/" + worker.id() + "/metrics?since=%s",
                "api/v1/admin/workers/" + worker.id() + "/metrics?until=%s",
                "api/v1/admin/workers/" + worker.id() + "/metrics?gpu_index=%s",
                "api/v1/admin/workers/" + worker.id() + "/metrics?max_points=%s",
                "api/v1/admin/workers/%s/restarts",
                "api/v1/admin/workers/" + worker.id() + "/restarts?limit=%s",
                "api/v1/admin/restarts/%s",
                "api/v1/admin/alerts?state=%s",
                "api/v1/admin/alerts?worker_id=%s",
                "api/v1/admin/alerts?limit=%s");
        String tokenHash = TestDatabase.query(DATABASE, "SELECT token_hash FROM workers WHERE id = " + worker.id());
        var statuses = new TreeMap<Integer, Integer>();
        var answered = new ArrayList<String>();
        int requests = 0;
        for (String path : paths) {
            for (String value : hostile) {
                String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
                var response = admin().get(path.formatted(encoded));
                requests++;
                statuses.merge(response.statusCode(), 1, Integer::sum);
                if (response.statusCode() == 200) {
                    answered.add(path.formatted(encoded));
                }
                String what = path + " with " + Json.createValue(value) + " -> " + response.statusCode() + " " + response.body();
                assertTrue(response.statusCode() < 500, what);
                assertTrue(response.statusCode() != 404 || !path.contains("?"), "a malformed query parameter is a 400, not a 404: " + what);
                assertFalse(response.body().contains(tokenHash), "a token hash came back: " + what);
                // Payara itself refuses some paths (an encoded backslash) with an empty 400 before the application sees them.
                if (response.statusCode() >= 400 && !response.body().isEmpty()) {
                    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), what);
                }
            }
        }
        for (String value : hostile) {
            String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
            var response = admin().delete("api/v1/admin/workers/" + worker.id() + "/thresholds/" + encoded);
            assertTrue(response.statusCode() < 500, value + " -> " + response.statusCode() + " " + response.body());
            response = admin().put("api/v1/admin/workers/" + worker.id() + "/thresholds",
                    "[{\"metric_name\":" + Json.createValue(value) + ",\"warning_value\":1,\"critical_value\":2,\"is_enabled\":true}]");
            assertTrue(response.statusCode() < 500, value + " -> " + response.statusCode() + " " + response.body());
            requests += 2;
        }
        System.out.printf("HostileInputIT: %d API requests with SQL metacharacters, none answered 5xx; GETs by status %s, 200 for %s%n",
                requests, statuses, answered);
        assertEquals(workers, TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM workers"));
        assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM metric_thresholds WHERE worker_id = " + worker.id()));
        assertServesTheSteadyAgent();
    }

    @Test
    void rendersMarkupInRestartReasonsAndAgentErrorsAsTextAndRefusesItInNames() throws Exception {
        assertEquals(400, admin().post("api/v1/admin/workers", "{\"name\":\"<script>alert(1)</script>\"}").statusCode());
        var worker = register();
        String reason = "<script>alert('reason')</script>";
        String agentError = "<img src=x onerror=alert('error')>";
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id(), "comfyui"));
            awaitOnline(worker.id());
            var accepted = admin().post("api/v1/admin/workers/" + worker.id() + "/restart",
                    "{\"service_name\":\"comfyui\",\"reason\":" + Json.createValue(reason) + "}");
            assertEquals(202, accepted.statusCode(), accepted.body());
            long restartId = json(accepted.body()).getJsonNumber("id").longValue();
            assertEquals("restart", json(agent.next()).getString("type"));
            agent.send(Frames.restartStatus(restartId, "failed", agentError));
            awaitRestartFailed(restartId);
        }
        try (var browser = signedInBrowser()) {
            for (String page : List.of("admin/worker.xhtml?id=" + worker.id(), "admin/hardware.xhtml")) {
                HtmlPage html = browser.getPage(new URL(base, page));
                String raw = html.getWebResponse().getContentAsString();
                String text = html.asNormalizedText();
                assertTrue(text.contains(agentError), page + " shows the agent's error as text: " + text);
                assertFalse(raw.contains("<img src=x"), page + " carries the agent's error as markup");
                assertTrue(html.getElementsByTagName("img").stream().noneMatch(img -> "x".equals(img.getAttribute("src"))), page);
                if (page.startsWith("admin/worker.xhtml")) {
                    assertTrue(text.contains(reason), "the reason is shown as text: " + text);
                    assertFalse(raw.contains("<script>alert("), "the reason is carried as markup");
                }
            }
        }
        assertServesTheSteadyAgent();
    }

    @Test
    void refusesACrossSiteFormPostWithoutAValidViewStateAndChangesNothing() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id(), "comfyui"));
            awaitOnline(worker.id());
            String cookie;
            try (var browser = signedInBrowser()) {
                cookie = "JSESSIONID=" + browser.getCookieManager().getCookie("JSESSIONID").getValue();
            }
            var restartForm = "restart=restart&restart%3Aservice_input=comfyui&restart%3Areason=csrf&restart%3Aconfirm=restart%3Aconfirm"
                    + "&jakarta.faces.partial.ajax=true&jakarta.faces.source=restart%3Aconfirm&jakarta.faces.partial.execute=restart";
            var thresholdsForm = "thresholds=thresholds&thresholds%3Arows%3A0%3Awarning_input=1&thresholds%3Arows%3A0%3Acritical_input=2"
                    + "&thresholds%3Asave=thresholds%3Asave";
            for (String viewState : List.of("", "&jakarta.faces.ViewState=-1234567890%3A987654321", "&jakarta.faces.ViewState=stateless")) {
                for (var post : List.of(List.of("admin/hardware.xhtml", restartForm),
                        List.of("admin/thresholds.xhtml?worker=" + worker.id(), thresholdsForm))) {
                    var response = formPost(post.get(0), post.get(1) + viewState, cookie);
                    String what = post.get(0) + viewState + " -> " + response.statusCode() + " " + response.body();
                    assertTrue(response.statusCode() < 500, what);
                    System.out.println("HostileInputIT: cross-site post " + post.get(0) + viewState + " -> " + response.statusCode());
                }
            }
            assertEquals(0, agent.waiting(), "no restart command reached the agent");
        }
        assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM restart_logs WHERE worker_id = " + worker.id()));
        assertEquals("0", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM metric_thresholds WHERE worker_id = " + worker.id()));
        assertServesTheSteadyAgent();
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void theServerHeapStaysFlatAfterEveryHostileBurst() throws Exception {
        assertServesTheSteadyAgent();
        var after = ServerHeap.usedAfterGc();
        assumeTrue(heapBefore > 0 && after.isPresent(), "jcmd cannot reach the Payara Micro process here");
        long growth = after.getAsLong() - heapBefore;
        System.out.printf("HostileInputIT: server heap after the hostile input %.1f MiB (%+.1f MiB)%n",
                after.getAsLong() / 1048576.0, growth / 1048576.0);
        assertTrue(growth < HEAP_GROWTH_LIMIT, "the heap grew by " + growth / 1048576 + " MiB");
    }

    private interface Burst {
        void send(AgentClient agent) throws Exception;
    }

    /**
     * The close code after a burst on a new connection; a send that fails because the socket is closing is fine.
     * {@link #ABNORMAL_CLOSURE} when the connection ended without a close frame.
     */
    private int closeCodeAfter(Api.RegisteredWorker worker, Burst burst) throws Exception {
        try (var agent = AgentClient.connect(base, worker.token())) {
            try {
                burst.send(agent);
            } catch (CompletionException closedMeanwhile) {
                // the backend closed while the client was still writing
            }
            try {
                return agent.closedWith();
            } catch (ExecutionException reset) {
                return ABNORMAL_CLOSURE;
            }
        }
    }

    private void assertServesTheSteadyAgent() throws Exception {
        long seq = STEADY_SEQ.incrementAndGet();
        steadyAgent.send(metrics(steady.id(), seq, Instant.now(), 2));
        assertEquals("{\"type\":\"ack\",\"seq\":" + seq + "}", steadyAgent.next(), "the well-behaved agent is acked");
    }

    private WebClient signedInBrowser() throws Exception {
        var browser = new WebClient();
        browser.getOptions().setCssEnabled(false);
        browser.getOptions().setJavaScriptEnabled(false);
        browser.getOptions().setThrowExceptionOnFailingStatusCode(false);
        HtmlPage login = browser.getPage(new URL(base, "login.xhtml"));
        login.getHtmlElementById("login:username").type("admin");
        login.getHtmlElementById("login:password").type(ADMIN_PASSWORD);
        HtmlPage hardware = login.getHtmlElementById("login:submit").click();
        assertTrue(hardware.getUrl().getPath().endsWith("/admin/fleet.xhtml"), hardware.getUrl().toString());
        return browser;
    }

    /** A form post from another site: its Origin, the victim's session cookie, and no view state of the victim's. */
    private HttpResponse<String> formPost(String path, String form, String cookie) throws Exception {
        var request = HttpRequest.newBuilder(new URL(base, path).toURI())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "https://evil.example")
                .header("Cookie", cookie)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void awaitOnline(long workerId) throws Exception {
        Await.until("worker " + workerId + " online", Duration.ofSeconds(10),
                () -> json(admin().get("api/v1/admin/workers/" + workerId).body()).getString("status").equals("online"));
    }

    private void awaitRestartFailed(long restartId) throws Exception {
        Await.until("restart " + restartId + " failed", Duration.ofSeconds(10),
                () -> json(admin().get("api/v1/admin/restarts/" + restartId).body()).getString("status").equals("failed"));
    }

    private Api.RegisteredWorker register() throws Exception {
        return admin().registerWorker("hostile-" + WORKERS.incrementAndGet());
    }

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    /** One GPU, and an interval long enough to stay online without samples. */
    private static String hello(long workerId, String... services) {
        return Frames.hello(workerId, 3600, 1, services);
    }

    /** A valid batch; GPU 0 reads utilization 50 and VRAM 81559 MB total, GPU 1 (if any) 1024 MB used at 40 °C. */
    private static String metrics(long workerId, long seq, Instant taken, int gpus) {
        return Frames.metrics(workerId, seq, taken, Frames.gpus(gpus), List.of());
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
