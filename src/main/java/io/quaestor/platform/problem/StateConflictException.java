package io.quaestor.platform.problem;

/** The request is well-formed but conflicts with the resource's current state. */
public class StateConflictException extends QuaestorException {

    private static final long serialVersionUID = 1L;

    public StateConflictException(String detail) {
        super(detail, null);
    }

    public StateConflictException(String detail, String field) {
        super(detail, field);
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String slug() {
        return "state-conflict";
    }

    @Override
    public String title() {
        return "Conflict with the current state";
    }
}
