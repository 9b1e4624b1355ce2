package io.quaestor.platform.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

@Provider
public class QuaestorExceptionMapper implements ExceptionMapper<QuaestorException> {

    @Override
    public Response toResponse(QuaestorException exception) {
        Response response = ProblemResponses.of(exception.toProblem());
        exception.headers().forEach((name, value) -> response.getHeaders().putSingle(name, value));
        return response;
    }
}
