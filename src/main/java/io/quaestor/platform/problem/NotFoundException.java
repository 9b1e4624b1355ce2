package io.quaestor.platform.problem;

/** The addressed resource does not exist (or the caller may not know that it does). */
public class NotFoundException extends QuaestorException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String detail) {
        super(detail, null);
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String slug() {
        return "not-found";
    }

    @Override
    public String title() {
        return "Resource not found";
    }
}
