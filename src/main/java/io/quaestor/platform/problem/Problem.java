package io.quaestor.platform.problem;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/**
 * One problem document. {@code type} is a stable URN ({@code urn:quaestor:problem:<slug>}) that
 * clients may switch on; {@code title} is fixed per type; {@code detail} explains this occurrence
 * and must never carry personal data.
 */
public record Problem(int status, String slug, String title, String detail, String field,
                      List<FieldError> errors, String requestId) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:quaestor:problem:";

    public record FieldError(String field, String message) {
    }

    private static final Map<Integer, String[]> HTTP = Map.ofEntries(
            Map.entry(400, new String[] {"malformed-request", "Malformed request", "The request could not be read."}),
            Map.entry(401, new String[] {"unauthenticated", "Authentication required", "Sign in or send a valid bearer token."}),
            Map.entry(403, new String[] {"forbidden", "Access denied", "Your roles do not allow this operation."}),
            Map.entry(404, new String[] {"not-found", "Resource not found", "There is no resource at this path."}),
            Map.entry(405, new String[] {"method-not-allowed", "Method not allowed", "This resource does not support that method."}),
            Map.entry(406, new String[] {"not-acceptable", "Not acceptable", "The resource cannot produce the requested media type."}),
            Map.entry(413, new String[] {"payload-too-large", "Request body too large", "The request body exceeds the configured limit."}),
            Map.entry(414, new String[] {"uri-too-long", "URI too long", "The request's path or query is too long."}),
            Map.entry(415, new String[] {"unsupported-media-type", "Unsupported media type", "Send the body as application/json."}),
            Map.entry(431, new String[] {"headers-too-large", "Request headers too large", "The request's headers are too large."}));

    /**
     * The problem for a bare HTTP status the runtime or the container raised (no such path, wrong
     * method, unreadable body): the same type, title and detail wherever it is answered.
     */
    public static Problem forStatus(int status, String reasonPhrase) {
        String[] known = HTTP.get(status);
        if (known != null) {
            return of(status, known[0], known[1], known[2]);
        }
        return status >= 500 ? of(status, "internal-error", "Internal error", "The request failed on the server; quote the request id when reporting it.")
                : of(status, "http-" + status, reasonPhrase == null ? "Request refused" : reasonPhrase, null);
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, slug, title, detail, null, List.of(), null);
    }

    public Problem withField(String name) {
        return new Problem(status, slug, title, detail, name, errors, requestId);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        String first = fieldErrors.isEmpty() ? field : fieldErrors.get(0).field();
        return new Problem(status, slug, title, detail, first, List.copyOf(fieldErrors), requestId);
    }

    public Problem withRequestId(String id) {
        return new Problem(status, slug, title, detail, field, errors, id);
    }

    public String type() {
        return TYPE_PREFIX + slug;
    }

    public String toJson() {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("type", type())
                .add("title", title)
                .add("status", status);
        if (detail != null) {
            json.add("detail", detail);
        }
        if (field != null) {
            json.add("field", field);
        }
        if (!errors.isEmpty()) {
            JsonArrayBuilder list = Json.createArrayBuilder();
            errors.forEach(e -> list.add(Json.createObjectBuilder().add("field", e.field()).add("message", e.message())));
            json.add("errors", list);
        }
        if (requestId != null) {
            json.add("requestId", requestId);
        }
        return json.build().toString();
    }

    public Response.ResponseBuilder toResponse() {
        Response.Status known = Response.Status.fromStatusCode(status);
        Response.ResponseBuilder builder = known == null ? Response.status(status) : Response.status(known);
        return builder.type(MEDIA_TYPE).entity(toJson());
    }
}
