package io.quaestor.platform.problem;

import io.quaestor.platform.logging.StructuredLog;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;

/**
 * Anything unforeseen: 500 with only the request id, so the operator can find the server-side
 * record. The exception's message and stack never reach the client.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    private static final StructuredLog LOG = StructuredLog.of(UnexpectedErrorMapper.class);

    @Override
    public Response toResponse(Throwable exception) {
        if (exception instanceof QuaestorException known) {
            return new QuaestorExceptionMapper().toResponse(known);
        }
        LOG.failure(Level.SEVERE, "request.failed", exception);
        return ProblemResponses.of(Problem.of(500, "internal-error", "Internal error",
                "The request failed on the server; quote the request id when reporting it."));
    }
}
