package io.quaestor.testing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A small HTTP client for the tests that run against a real Payara Micro: every call says how it
 * authenticates, and every response can be read as JSON.
 */
public final class Api {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final URI base;

    public Api(URL deployment) {
        String url = deployment.toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
    }

    public URI uri(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    /** How a request authenticates. */
    public sealed interface Auth permits Anonymous, Bearer, Session {
        HttpRequest.Builder apply(HttpRequest.Builder request, boolean stateChanging);
    }

    public record Anonymous() implements Auth {
        public HttpRequest.Builder apply(HttpRequest.Builder request, boolean stateChanging) {
            return request;
        }
    }

    public record Bearer(String token) implements Auth {
        public HttpRequest.Builder apply(HttpRequest.Builder request, boolean stateChanging) {
            return request.header("Authorization", "Bearer " + token);
        }
    }

    /** A browser session: the cookie always, the CSRF token on state-changing requests when sendCsrf. */
    public record Session(String cookie, String csrfToken, boolean sendCsrf) implements Auth {
        public HttpRequest.Builder apply(HttpRequest.Builder request, boolean stateChanging) {
            request.header("Cookie", "quaestor_session=" + cookie);
            if (stateChanging && sendCsrf) {
                request.header("X-CSRF-Token", csrfToken);
            }
            return request;
        }

        public Session withoutCsrf() {
            return new Session(cookie, csrfToken, false);
        }
    }

    public static final Auth ANONYMOUS = new Anonymous();

    public record Reply(int status, HttpResponse<String> raw) {
        public JsonObject json() {
            return (JsonObject) structure();
        }

        public JsonArray array() {
            return (JsonArray) structure();
        }

        private JsonStructure structure() {
            try (var reader = Json.createReader(new StringReader(raw.body()))) {
                return reader.read();
            }
        }

        public String body() {
            return raw.body();
        }

        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        public String contentType() {
            return header("Content-Type").orElse("");
        }

        /** The problem type's slug, for problem responses. */
        public String problemSlug() {
            return json().getString("type").replace("urn:quaestor:problem:", "");
        }
    }

    public Reply get(String path, Auth auth) {
        return send(auth.apply(request(path).GET(), false));
    }

    public Reply delete(String path, Auth auth) {
        return send(auth.apply(request(path).DELETE(), true));
    }

    public Reply post(String path, String json, Auth auth) {
        return send(auth.apply(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), true));
    }

    public Reply put(String path, String json, Auth auth) {
        return send(auth.apply(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)), true));
    }

    /** Anything else: the caller builds the request (odd content types, raw bodies). */
    public Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request whose answer is binary (a ZIP, a PDF). */
    public HttpResponse<byte[]> bytes(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).header("Accept", "application/json, application/problem+json");
    }
}
