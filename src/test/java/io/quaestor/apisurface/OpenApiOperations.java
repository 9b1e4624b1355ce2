package io.quaestor.apisurface;

import io.quaestor.testing.Api;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** The operations of the live OpenAPI document, as the hostile-input and role-matrix tests walk them. */
record OpenApiOperations(JsonObject document, List<Operation> operations) {

    static final Set<String> STATE_CHANGING = Set.of("post", "put", "patch", "delete");

    /** One operation: its method, path template, who may call it, and the JSON schema of its body (null when it takes none). */
    record Operation(String method, String path, boolean anonymous, Set<String> roles, JsonObject bodySchema, List<String> bodyTypes,
                     List<String> produces) {
        /** An Accept header the operation can answer, so content negotiation is not what the test meets. */
        String accept() {
            List<String> types = new ArrayList<>(produces.stream().filter(t -> !t.contains("*")).toList());
            types.add("application/problem+json");
            return String.join(", ", types);
        }

        String key() {
            return method.toUpperCase() + " " + path;
        }

        boolean stateChanging() {
            return STATE_CHANGING.contains(method);
        }

        boolean takesJson() {
            return bodyTypes.contains("application/json");
        }

        /** The path with every parameter filled in with a well-formed value that names nothing. */
        String concretePath() {
            return path.replaceAll("\\{(id|[A-Za-z]*Id)}", UUID.randomUUID().toString())
                    .replace("{number}", "1").replace("{code}", "users-24h").replace("{tenant}", "no-such-tenant")
                    .replaceAll("\\{[^}]+}", "x");
        }
    }

    static OpenApiOperations read(Api api) {
        Api.Reply reply = api.send(HttpRequest.newBuilder(api.uri("openapi")).header("Accept", "application/json").GET());
        if (reply.status() != 200) {
            throw new AssertionError("GET /openapi answered " + reply.status());
        }
        JsonObject document;
        try (var reader = Json.createReader(new StringReader(reply.body()))) {
            document = reader.readObject();
        }
        List<Operation> operations = new ArrayList<>();
        document.getJsonObject("paths").forEach((path, item) -> item.asJsonObject().forEach((method, value) -> {
            if (!(value instanceof JsonObject operation) || !Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                return;
            }
            JsonArray xRoles = operation.getJsonArray("x-roles");
            boolean anonymous = operation.getBoolean("x-anonymous", false);
            if (xRoles == null && !anonymous) {
                throw new AssertionError(method + " " + path + " publishes neither x-roles nor x-anonymous");
            }
            Set<String> roles = xRoles == null ? Set.of() : new TreeSet<>(xRoles.getValuesAs(jakarta.json.JsonString::getString));
            JsonObject schema = null;
            List<String> types = new ArrayList<>();
            JsonObject body = operation.getJsonObject("requestBody");
            if (body != null && body.containsKey("content")) {
                body.getJsonObject("content").forEach((type, media) -> {
                    types.add(type);
                });
                JsonObject json = body.getJsonObject("content").getJsonObject("application/json");
                if (json != null && json.containsKey("schema")) {
                    schema = resolve(document, json.getJsonObject("schema"));
                }
            }
            List<String> produces = new ArrayList<>();
            JsonObject responses = operation.getJsonObject("responses");
            if (responses != null) {
                responses.values().forEach(r -> {
                    JsonObject content = r.asJsonObject().getJsonObject("content");
                    if (content != null) {
                        content.keySet().stream().filter(t -> !produces.contains(t)).forEach(produces::add);
                    }
                });
            }
            operations.add(new Operation(method, path.replaceFirst("^/api", ""), anonymous, roles, schema, types, produces));
        }));
        return new OpenApiOperations(document, operations);
    }

    /** Follows a {@code $ref} into components/schemas. */
    static JsonObject resolve(JsonObject document, JsonObject schema) {
        JsonObject current = schema;
        for (int hops = 0; current != null && current.containsKey("$ref") && hops < 10; hops++) {
            String ref = current.getString("$ref");
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            JsonValue found = document.getJsonObject("components").getJsonObject("schemas").get(name);
            current = found instanceof JsonObject o ? o : null;
        }
        return current;
    }
}
