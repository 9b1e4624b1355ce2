package io.quaestor.platform.problem;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ProblemTest {

    @Test
    void rendersTheRfc9457MembersAndTheExtensions() {
        Problem problem = Problem.of(422, "validation", "Invalid input", "2 fields are invalid.")
                .withErrors(List.of(new Problem.FieldError("roles", "must not be empty"),
                        new Problem.FieldError("username", "too short")))
                .withRequestId("req-12345678");
        JsonObject json = parse(problem.toJson());
        assertEquals("urn:quaestor:problem:validation", json.getString("type"));
        assertEquals("Invalid input", json.getString("title"));
        assertEquals(422, json.getInt("status"));
        assertEquals("2 fields are invalid.", json.getString("detail"));
        assertEquals("roles", json.getString("field"), "the first offending field is named");
        assertEquals(2, json.getJsonArray("errors").size());
        assertEquals("req-12345678", json.getString("requestId"));
    }

    @Test
    void leavesOutWhatIsAbsent() {
        JsonObject json = parse(Problem.of(404, "not-found", "Resource not found", null).toJson());
        assertFalse(json.containsKey("detail"));
        assertFalse(json.containsKey("field"));
        assertFalse(json.containsKey("errors"));
    }

    @Test
    void escapesTextSoADetailCannotBreakTheDocument() {
        JsonObject json = parse(Problem.of(400, "x", "t", "quote \" and \\ and \n newline").toJson());
        assertEquals("quote \" and \\ and \n newline", json.getString("detail"));
    }

    @Test
    void businessExceptionsCarryStatusSlugAndField() {
        QuaestorException invalid = new InvalidInputException("expiresInDays", "too long");
        assertEquals(422, invalid.status());
        assertEquals("expiresInDays", invalid.toProblem().field());
        assertEquals(409, new StateConflictException("busy").status());
        assertEquals(404, new NotFoundException("gone").status());
        TooManyRequestsException limited = new TooManyRequestsException("wait", java.time.Duration.ofMillis(10));
        assertEquals("1", limited.headers().get("Retry-After"), "never a zero Retry-After");
    }

    private static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
