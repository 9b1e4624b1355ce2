package io.quaestor.datamap.boundary;

import io.quaestor.datamap.control.DataMapException;
import io.quaestor.platform.problem.Problem;
import io.quaestor.platform.problem.ProblemResponses;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A map that failed validation: 422, every problem listed with its file, line and element. */
@Provider
public class DataMapExceptionMapper implements ExceptionMapper<DataMapException> {

    @Override
    public Response toResponse(DataMapException exception) {
        return ProblemResponses.of(Problem.of(422, "invalid-data-map", "Invalid data map",
                        exception.problems().size() + " problem(s); the previous map stays active.")
                .withErrors(exception.problems().stream()
                        .map(p -> new Problem.FieldError(p.element(), p.file() + ":" + p.line() + ": " + p.message()))
                        .toList()));
    }
}
