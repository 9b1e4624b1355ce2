package io.quaestor.platform.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Map;

/**
 * The runtime's own HTTP errors (no such path, wrong method, unsupported media type, malformed
 * body) in problem form. A response that already is a problem document passes through.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    private static final Map<Integer, String[]> KNOWN = Map.of(
            400, new String[]{"malformed-request", "Malformed request", "The request could not be read."},
            401, new String[]{"unauthenticated", "Authentication required", "Sign in or send a valid bearer token."},
            403, new String[]{"forbidden", "Access denied", "Your roles do not allow this operation."},
            404, new String[]{"not-found", "Resource not found", "There is no resource at this path."},
            405, new String[]{"method-not-allowed", "Method not allowed", "This resource does not support that method."},
            406, new String[]{"not-acceptable", "Not acceptable", "The resource cannot produce the requested media type."},
            413, new String[]{"payload-too-large", "Request body too large", "The request body exceeds the configured limit."},
            415, new String[]{"unsupported-media-type", "Unsupported media type", "Send the body as application/json."});

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        MediaType type = original.getMediaType();
        if (type != null && Problem.MEDIA_TYPE.equals(type.getType() + "/" + type.getSubtype())) {
            return original;
        }
        int status = original.getStatus();
        String[] known = KNOWN.getOrDefault(status, new String[]{"http-" + status,
                original.getStatusInfo().getReasonPhrase(), null});
        Response response = ProblemResponses.of(Problem.of(status, known[0], known[1], known[2]));
        copyHeader(original, response, "Allow");
        copyHeader(original, response, "WWW-Authenticate");
        copyHeader(original, response, "Retry-After");
        return response;
    }

    private static void copyHeader(Response from, Response to, String name) {
        Object value = from.getHeaders().getFirst(name);
        if (value != null) {
            to.getHeaders().putSingle(name, value);
        }
    }
}
