package io.quaestor.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Staff identities for benchmarks, made through the API as an administrator would. */
final class BenchStaff {

    private static final String ADMIN_PASSWORD = "Bench-Chosen-Passphrase-7";
    private static String cookie;
    private static String csrf;

    private BenchStaff() {
    }

    /** A new staff user with these roles, and a bearer token carrying all of them. */
    static synchronized Identity create(BenchStack stack, String username, String kind, String... roles) throws Exception {
        signIn(stack);
        String roleList = "\"" + String.join("\",\"", roles) + "\"";
        HttpResponse<String> user = check(stack.send(admin(json(stack.request("api/users"), "{\"username\":\"" + username
                + "\",\"displayName\":\"Bench " + username + "\",\"kind\":\"" + kind + "\",\"roles\":[" + roleList + "]}"))), 201);
        String userId = parse(user.body()).getJsonObject("user").getString("id");
        HttpResponse<String> token = check(stack.send(admin(json(stack.request("api/tokens"),
                "{\"ownerId\":\"" + userId + "\",\"name\":\"bench\",\"roles\":[" + roleList + "]}"))), 201);
        return new Identity(userId, parse(token.body()).getString("token"));
    }

    record Identity(String userId, String token) {
    }

    /** A person who signs in with this password (the temporary one already replaced), as a browser would. */
    static synchronized String createPerson(BenchStack stack, String username, String password, String... roles) throws Exception {
        signIn(stack);
        String roleList = "\"" + String.join("\",\"", roles) + "\"";
        HttpResponse<String> user = check(stack.send(admin(json(stack.request("api/users"), "{\"username\":\"" + username
                + "\",\"displayName\":\"Bench " + username + "\",\"kind\":\"PERSON\",\"roles\":[" + roleList + "]}"))), 201);
        String temporary = parse(user.body()).getString("temporaryPassword");
        HttpResponse<String> first = check(stack.send(json(stack.request("api/session"),
                "{\"username\":\"" + username + "\",\"password\":\"" + temporary + "\"}")), 201);
        check(stack.send(stack.request("api/me/password").header("Content-Type", "application/json")
                .header("Cookie", first.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0])
                .header("X-CSRF-Token", parse(first.body()).getString("csrfToken"))
                .method("PUT", HttpRequest.BodyPublishers.ofString("{\"currentPassword\":\"" + temporary + "\",\"newPassword\":\""
                        + password + "\"}"))), 204);
        return parse(user.body()).getJsonObject("user").getString("id");
    }

    /** Signs in as the bootstrap administrator once per run, replacing the bootstrap password. */
    private static void signIn(BenchStack stack) throws Exception {
        if (cookie != null) {
            return;
        }
        HttpResponse<String> first = check(stack.send(json(stack.request("api/session"),
                "{\"username\":\"admin\",\"password\":\"" + BenchStack.ADMIN_BOOTSTRAP_PASSWORD + "\"}")), 201);
        String firstCookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        String body = "{\"currentPassword\":\"" + BenchStack.ADMIN_BOOTSTRAP_PASSWORD + "\",\"newPassword\":\"" + ADMIN_PASSWORD + "\"}";
        check(stack.send(stack.request("api/me/password").header("Content-Type", "application/json").header("Cookie", firstCookie)
                .header("X-CSRF-Token", parse(first.body()).getString("csrfToken"))
                .method("PUT", HttpRequest.BodyPublishers.ofString(body))), 204);
        HttpResponse<String> session = check(stack.send(json(stack.request("api/session"),
                "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}")), 201);
        cookie = session.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        csrf = parse(session.body()).getString("csrfToken");
    }

    private static HttpRequest.Builder admin(HttpRequest.Builder request) {
        return request.header("Cookie", cookie).header("X-CSRF-Token", csrf);
    }

    static HttpRequest.Builder json(HttpRequest.Builder request, String body) {
        return request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpResponse<String> check(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("expected " + status + ", got " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    static JsonObject parse(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }
}
