package com.trulience.bench;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.htmlunit.WebClient;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.util.WebConnectionWrapper;

/**
 * The API and dashboard side of scripts/verify-two-nodes: each command talks to the running backend nodes over
 * loopback, prints what it measured as one JSON object on standard output and exits 1 when a check fails.
 *
 * <pre>
 * webhook PORT FILE                        receive alert webhooks, one JSON document per line in FILE
 * thresholds BASE PASSWORD WORKER METRIC WARNING CRITICAL
 * workers BASE PASSWORD                    {"id": "status", ...} as that node's API says
 * restart REQUEST_BASE OTHER_BASE PASSWORD WORKER
 *                                          a restart asked on one node, followed on both nodes' API and dashboards
 * rotate BASE PASSWORD WORKER              rotate the token; milliseconds until the worker is offline
 * unreachable BASE PASSWORD WORKER         a restart of a worker whose agent no node holds: how it ends, and when
 * session BASE PASSWORD FILE               sign in with the login form (a client's X-Forwarded-Proto: https sent
 *                                          along); the session id into FILE, its route and cookie attributes out
 * browse BASE FILE COUNT                   COUNT requests of the fleet page with the session in FILE, and its push
 *                                          socket with the browser's Origin: what came back
 * </pre>
 */
public final class TwoNodeProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TwoNodeProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: see the class comment");
        }
        switch (args[0]) {
            case "webhook" -> webhook(Integer.parseInt(args[1]), Path.of(args[2]));
            case "thresholds" -> call(args[1], args[2], "PUT", "api/v1/admin/workers/" + args[3] + "/thresholds",
                    "[{\"metric_name\":\"" + args[4] + "\",\"warning_value\":" + args[5] + ",\"critical_value\":" + args[6]
                            + ",\"is_enabled\":true}]", 200);
            case "workers" -> {
                var workers = Json.createObjectBuilder();
                workers(args[1], args[2]).forEach((id, status) -> workers.add(Long.toString(id), status));
                System.out.println(workers.build());
            }
            case "restart" -> System.exit(restart(args[1], args[2], args[3], Long.parseLong(args[4])) ? 0 : 1);
            case "rotate" -> System.exit(rotate(args[1], args[2], Long.parseLong(args[3])) ? 0 : 1);
            case "unreachable" -> System.exit(unreachable(args[1], args[2], Long.parseLong(args[3])) ? 0 : 1);
            case "session" -> session(args[1], args[2], Path.of(args[3]));
            case "browse" -> browse(args[1], Files.readString(Path.of(args[2])).trim(), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void webhook(int port, Path file) throws IOException {
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/hook", exchange -> {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).replace('\n', ' ');
            synchronized (server) {
                Files.writeString(file, body + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    private static Map<Long, String> workers(String base, String password) throws Exception {
        var statuses = new LinkedHashMap<Long, String>();
        for (var worker : json(call(base, password, "GET", "api/v1/admin/workers", null, 200)).asJsonArray()) {
            statuses.put(worker.asJsonObject().getJsonNumber("id").longValue(), worker.asJsonObject().getString("status"));
        }
        return statuses;
    }

    /**
     * Asks node 1 to restart the worker whose agent is on node 2, follows the restart through both nodes' API, and
     * counts the pushes both nodes' dashboard sockets get meanwhile.
     */
    private static boolean restart(String requestBase, String otherBase, String password, long workerId) throws Exception {
        var requestPushes = new AtomicInteger();
        var otherPushes = new AtomicInteger();
        var sockets = List.of(dashboardSocket(requestBase, password, requestPushes), dashboardSocket(otherBase, password, otherPushes));
        Thread.sleep(700);
        requestPushes.set(0);
        otherPushes.set(0);
        long start = System.nanoTime();
        var out = Json.createObjectBuilder().add("requested_at_ms", System.currentTimeMillis());
        var created = json(call(requestBase, password, "POST", "api/v1/admin/workers/" + workerId + "/restart",
                "{\"service_name\":\"comfyui\",\"reason\":\"verify-two-nodes\",\"force\":true}", 202)).asJsonObject();
        long restartId = created.getJsonNumber("id").longValue();
        var seen = new ArrayList<String>();
        String status = created.getString("status");
        String otherStatus;
        long deadline = start + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var restart = json(call(requestBase, password, "GET", "api/v1/admin/restarts/" + restartId, null, 200)).asJsonObject();
            status = restart.getString("status");
            if (!seen.contains(status)) {
                seen.add(status);
            }
            if (status.equals("completed") || status.equals("failed")) {
                out.add("error", restart.getString("error_message", ""));
                break;
            }
            Thread.sleep(25);
        }
        long roundTripMillis = (System.nanoTime() - start) / 1_000_000;
        otherStatus = json(call(otherBase, password, "GET", "api/v1/admin/restarts/" + restartId, null, 200)).asJsonObject().getString("status");
        // the last status's push leaves within the 500 ms throttle
        Thread.sleep(1200);
        sockets.forEach(socket -> socket.abort());
        System.out.println(out.add("restart_id", restartId).add("statuses", Json.createArrayBuilder(seen))
                .add("round_trip_ms", roundTripMillis).add("status_on_other_node", otherStatus)
                .add("dashboard_pushes_requesting_node", requestPushes.get())
                .add("dashboard_pushes_other_node", otherPushes.get()).build());
        return status.equals("completed") && otherStatus.equals("completed") && requestPushes.get() > 0 && otherPushes.get() > 0;
    }

    private static WebSocket dashboardSocket(String base, String password, AtomicInteger pushes) throws Exception {
        String session = signIn(base, password, false).session();
        var uri = URI.create(base.replaceFirst("^http", "ws") + "admin/push/fleet");
        return HTTP.newWebSocketBuilder().header("Cookie", "JSESSIONID=" + session).buildAsync(uri, counting(pushes)).get(15, TimeUnit.SECONDS);
    }

    /** The session id and the attributes of the Set-Cookie header that sent it, as the server wrote them. */
    private record SignIn(String session, List<String> cookieAttributes) {

        boolean has(String attribute) {
            return cookieAttributes.stream().anyMatch(attribute::equalsIgnoreCase);
        }

        String sameSite() {
            return cookieAttributes.stream().filter(attribute -> attribute.regionMatches(true, 0, "SameSite=", 0, 9))
                    .map(attribute -> attribute.substring(9)).findFirst().orElse("");
        }
    }

    /** Signs in through the login form as a browser does; {@code claimHttps}: the client sends X-Forwarded-Proto: https. */
    private static SignIn signIn(String base, String password, boolean claimHttps) throws Exception {
        var sessionCookies = new ArrayList<String>();
        try (var browser = new WebClient()) {
            browser.getOptions().setCssEnabled(false);
            browser.getOptions().setJavaScriptEnabled(false);
            browser.getOptions().setWebSocketEnabled(false);
            if (claimHttps) {
                browser.addRequestHeader("X-Forwarded-Proto", "https");
            }
            new WebConnectionWrapper(browser) {
                @Override
                public WebResponse getResponse(WebRequest request) throws IOException {
                    var response = super.getResponse(request);
                    response.getResponseHeaders().stream()
                            .filter(header -> header.getName().equalsIgnoreCase("Set-Cookie") && header.getValue().startsWith("JSESSIONID="))
                            .forEach(header -> sessionCookies.add(header.getValue()));
                    return response;
                }
            };
            HtmlPage login = browser.getPage(new URL(new URL(base), "login.xhtml"));
            login.getHtmlElementById("login:username").type("admin");
            login.getHtmlElementById("login:password").type(password);
            HtmlPage signedIn = login.getHtmlElementById("login:submit").click();
            if (signedIn.getUrl().getPath().endsWith("/login.xhtml") || sessionCookies.isEmpty()) {
                throw new IllegalStateException("could not sign in on " + base);
            }
            var parts = List.of(sessionCookies.get(sessionCookies.size() - 1).split(";"));
            return new SignIn(parts.get(0).trim().substring("JSESSIONID=".length()),
                    parts.stream().skip(1).map(String::trim).toList());
        }
    }

    /** Counts pushes, not the socket's first message ({"current":N}, the version as it joined). */
    private static WebSocket.Listener counting(AtomicInteger messages) {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    if (!text.toString().startsWith("{\"current\":")) {
                        messages.incrementAndGet();
                    }
                    text.setLength(0);
                }
                socket.request(1);
                return null;
            }
        };
    }

    /** The session id stays in FILE (it is a credential); what is printed is where it lives and how it is marked. */
    private static void session(String base, String password, Path file) throws Exception {
        var signIn = signIn(base, password, true);
        String id = signIn.session();
        Files.writeString(file, id + "\n");
        System.out.println(Json.createObjectBuilder().add("route", id.contains(".") ? id.substring(id.lastIndexOf('.') + 1) : "")
                .add("secure", signIn.has("Secure")).add("http_only", signIn.has("HttpOnly")).add("same_site", signIn.sameSite()).build());
    }

    /**
     * The fleet page COUNT times with the session cookie (redirects not followed): a 200 is the signed-in page, a
     * redirect to the login page is counted when that page then renders its form, anything else is listed. Then
     * the dashboard's push socket with the Origin a browser on BASE sends, and the messages it gets within 10 s.
     */
    private static void browse(String base, String session, int count) throws Exception {
        int pages = 0;
        int loginPages = 0;
        var other = Json.createArrayBuilder();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "admin/fleet.xhtml")).timeout(Duration.ofSeconds(15))
                    .header("Cookie", "JSESSIONID=" + session).build(), HttpResponse.BodyHandlers.ofString());
            String location = response.headers().firstValue("Location").orElse("");
            if (response.statusCode() == 200 && !response.body().contains("login:username")) {
                pages++;
            } else if (response.statusCode() == 302 && location.endsWith("/login.xhtml") && rendersLoginForm(base, location)) {
                loginPages++;
            } else {
                other.add(response.statusCode() + " " + location);
            }
        }
        long browseMillis = (System.nanoTime() - start) / 1_000_000;
        var messages = new AtomicInteger();
        String push;
        try {
            var socket = HTTP.newWebSocketBuilder().header("Cookie", "JSESSIONID=" + session).header("Origin", base.replaceFirst("/$", ""))
                    .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "admin/push/fleet"), counting(messages)).get(15, TimeUnit.SECONDS);
            for (int waited = 0; waited < 100 && messages.get() == 0; waited++) {
                Thread.sleep(100);
            }
            socket.abort();
            push = "opened";
        } catch (ExecutionException refused) {
            push = refused.getCause() instanceof WebSocketHandshakeException handshake
                    ? "refused with " + handshake.getResponse().statusCode() + " " + handshake.getResponse().headers().firstValue("Location").orElse("")
                    : "failed: " + refused.getCause();
        }
        System.out.println(Json.createObjectBuilder().add("pages", pages).add("login_pages", loginPages).add("other", other)
                .add("ms", browseMillis).add("push", push).add("push_messages", messages.get()).build());
    }

    private static boolean rendersLoginForm(String base, String location) throws Exception {
        var page = HTTP.send(HttpRequest.newBuilder(URI.create(base).resolve(location)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
        return page.statusCode() == 200 && page.body().contains("login:username");
    }

    private static boolean rotate(String base, String password, long workerId) throws Exception {
        long start = System.nanoTime();
        call(base, password, "POST", "api/v1/admin/workers/" + workerId + "/token", null, 200);
        long deadline = start + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if ("offline".equals(workers(base, password).get(workerId))) {
                System.out.println(Json.createObjectBuilder().add("disconnect_ms", (System.nanoTime() - start) / 1_000_000).build());
                return true;
            }
            Thread.sleep(25);
        }
        System.out.println(Json.createObjectBuilder().addNull("disconnect_ms").build());
        return false;
    }

    /**
     * Accepted (the worker still counts as online) it must end failed as unreachable; refused with 409 (the silence
     * timer was quicker) it is recorded as failed at once. Either is a clear end.
     */
    private static boolean unreachable(String base, String password, long workerId) throws Exception {
        long start = System.nanoTime();
        var answer = exchange(base, password, "POST", "api/v1/admin/workers/" + workerId + "/restart",
                "{\"service_name\":\"comfyui\",\"reason\":\"verify-two-nodes: agent on no node\",\"force\":true}");
        if (answer.statusCode() != 202 && answer.statusCode() != 409) {
            throw new IllegalStateException("the restart request answered " + answer.statusCode() + ": " + answer.body());
        }
        long restartId = json(answer.body()).asJsonObject().getJsonNumber(answer.statusCode() == 202 ? "id" : "restart_id").longValue();
        long deadline = start + Duration.ofSeconds(60).toNanos();
        JsonObject restart;
        do {
            restart = json(call(base, password, "GET", "api/v1/admin/restarts/" + restartId, null, 200)).asJsonObject();
            if (!restart.getString("status").equals("failed")) {
                Thread.sleep(100);
            }
        } while (!restart.getString("status").equals("failed") && System.nanoTime() < deadline);
        String error = restart.getString("error_message", "");
        System.out.println(Json.createObjectBuilder().add("answer", answer.statusCode()).add("status", restart.getString("status"))
                .add("error", error).add("ms", (System.nanoTime() - start) / 1_000_000).build());
        return restart.getString("status").equals("failed") && (error.startsWith("agent unreachable") || error.startsWith("worker offline"));
    }

    private static String call(String base, String password, String method, String path, String body, int expected) throws Exception {
        var response = exchange(base, password, method, path, body);
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + base + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static HttpResponse<String> exchange(String base, String password, String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonValue json(String text) {
        return Json.createReader(new StringReader(text)).readValue();
    }
}
