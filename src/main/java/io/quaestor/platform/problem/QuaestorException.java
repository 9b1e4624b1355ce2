package io.quaestor.platform.problem;

import jakarta.ejb.ApplicationException;

import java.util.Map;

/**
 * The one business exception. Throwing it rolls back the surrounding transaction, so a refused
 * request never leaves a partial write behind; the mapper turns it into its problem response.
 */
@ApplicationException(rollback = true)
public abstract class QuaestorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    protected QuaestorException(String detail, String field) {
        super(detail);
        this.field = field;
    }

    public abstract int status();

    /** Stable slug of the problem type: part of the API contract. */
    public abstract String slug();

    public abstract String title();

    public String field() {
        return field;
    }

    /** Extra response headers, such as {@code Retry-After}. */
    public Map<String, String> headers() {
        return Map.of();
    }

    public Problem toProblem() {
        Problem problem = Problem.of(status(), slug(), title(), getMessage());
        return field == null ? problem : problem.withField(field);
    }
}
