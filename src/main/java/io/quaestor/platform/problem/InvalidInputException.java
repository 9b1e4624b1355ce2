package io.quaestor.platform.problem;

/** A field is syntactically fine but its value is not acceptable (422). */
public class InvalidInputException extends QuaestorException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String field, String detail) {
        super(detail, field);
    }

    @Override
    public int status() {
        return 422;
    }

    @Override
    public String slug() {
        return "validation";
    }

    @Override
    public String title() {
        return "Invalid input";
    }
}
