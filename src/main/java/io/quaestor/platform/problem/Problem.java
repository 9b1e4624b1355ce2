package io.quaestor.platform.problem;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;

import java.util.List;

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
