package io.quaestor.platform.problem;

/** The body is not what its Content-Type says it is, or of a type this operation does not take (415). */
public class UnsupportedMediaException extends QuaestorException {

    private static final long serialVersionUID = 1L;

    public UnsupportedMediaException(String field, String detail) {
        super(detail, field);
    }

    @Override
    public int status() {
        return 415;
    }

    @Override
    public String slug() {
        return "unsupported-media-type";
    }

    @Override
    public String title() {
        return "Unsupported media type";
    }
}
