package io.quaestor.platform.problem;

import jakarta.annotation.Priority;
import jakarta.transaction.TransactionalException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A failure to commit, or a Quaestor exception that crossed a {@code @Transactional} boundary
 * wrapped: a problem response like any other. Without it, Jersey's own mapper for this type
 * rethrows and the client gets the container's HTML error page.
 */
@Provider
@Priority(1)
public class TransactionFailureMapper implements ExceptionMapper<TransactionalException> {

    @Override
    public Response toResponse(TransactionalException exception) {
        Throwable cause = exception.getCause();
        return new UnexpectedErrorMapper().toResponse(cause instanceof QuaestorException known ? known : exception);
    }
}
