package io.quaestor.platform.problem;

/** Authenticated, but not allowed to do this (403). */
public class AccessDeniedException extends QuaestorException {

    private static final long serialVersionUID = 1L;

    private final String slug;

    public AccessDeniedException(String slug, String detail) {
        super(detail, null);
        this.slug = slug;
    }

    @Override
    public int status() {
        return 403;
    }

    @Override
    public String slug() {
        return slug;
    }

    @Override
    public String title() {
        return "Access denied";
    }
}
