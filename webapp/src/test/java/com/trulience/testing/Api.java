package com.trulience.testing;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** HTTP calls to the deployed backend, optionally as a user with HTTP Basic. */
public record Api(URL base, String authorization) {

    /**
     * HTTP/1.1, as the API's clients speak it (curl, scripts, Prometheus, nginx): by default the JDK client offers
     * h2c on every request, which Payara's listener refuses (server-config/payara-micro-http.asadmin), and Grizzly
     * then drops Content-Type from every answer written before the request ends (error pages, streamed bodies):
     * the problem documents' type would not be checked at all (server-config/README.md).
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public static Api anonymous(URL base) {
        return new Api(base, null);
    }

    public static Api as(URL base, String username, String password) {
        return new Api(base, basic(username, password));
    }

    public static String basic(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A worker registered through the admin API, with the token that is shown only once. */
    public record RegisteredWorker(long id, String name, String token) {
    }

    public RegisteredWorker registerWorker(String name) throws Exception {
        var response = post("api/v1/admin/workers", "{\"name\":\"" + name + "\"}");
        if (response.statusCode() != 201) {
            throw new AssertionError("registering " + name + " answered " + response.statusCode() + ": " + response.body());
        }
        var body = jakarta.json.Json.createReader(new java.io.StringReader(response.body())).readObject();
        return new RegisteredWorker(body.getJsonNumber("id").longValue(), name, body.getString("token"));
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send(request(path).GET());
    }

    public HttpResponse<String> get(String path, String accept) throws Exception {
        return send(request(path).header("Accept", accept).GET());
    }

    public HttpResponse<String> post(String path, String json) throws Exception {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> put(String path, String json) throws Exception {
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> delete(String path) throws Exception {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) throws Exception {
        var request = HttpRequest.newBuilder(new URL(base, path).toURI()).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
