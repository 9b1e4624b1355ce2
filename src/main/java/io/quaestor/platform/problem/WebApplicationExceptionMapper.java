package io.quaestor.platform.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * The runtime's own HTTP errors (no such path, wrong method, unsupported media type, malformed
 * body) in problem form. A response that already is a problem document passes through.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        MediaType type = original.getMediaType();
        if (type != null && Problem.MEDIA_TYPE.equals(type.getType() + "/" + type.getSubtype())) {
            return original;
        }
        Response response = ProblemResponses.of(Problem.forStatus(original.getStatus(), original.getStatusInfo().getReasonPhrase()));
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
