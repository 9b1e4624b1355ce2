package io.quaestor.platform.problem;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A body that is not valid JSON, has an unknown field, or a value of the wrong type: 400 with the
 * field named where the parser says which. The parser's own message is never echoed, since it
 * can quote the offending value.
 */
@Provider
public class MalformedBodyMapper implements ExceptionMapper<ProcessingException> {

    /** Yasson: "Json property {0} can not be mapped to a class {1}." */
    private static final Pattern UNKNOWN = Pattern.compile("Json property ([A-Za-z0-9_.-]+) can not be mapped");
    private static final Pattern PROPERTY = Pattern.compile("property:? ['\"]?([A-Za-z0-9_.-]+)");

    @Override
    public Response toResponse(ProcessingException exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof WebApplicationException wae) {
                return new WebApplicationExceptionMapper().toResponse(wae);
            }
        }
        String messages = messages(exception);
        Optional<String> unknown = find(UNKNOWN, messages);
        if (unknown.isPresent()) {
            return ProblemResponses.of(Problem.of(400, "unknown-field", "Unknown field",
                    "The body has a field this operation does not accept.").withField(unknown.get()));
        }
        Problem problem = Problem.of(400, "malformed-request", "Malformed request",
                "The body is not valid JSON of the expected shape.");
        return ProblemResponses.of(find(PROPERTY, messages).map(problem::withField).orElse(problem));
    }

    private static String messages(Throwable exception) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof JsonbException || t.getMessage() != null) {
                all.append(t.getMessage()).append('\n');
            }
        }
        return all.toString();
    }

    private static Optional<String> find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
