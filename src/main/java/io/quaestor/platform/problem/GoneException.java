package io.quaestor.platform.problem;

/** The resource existed but is no longer available: a used or expired link, a deleted package. */
public class GoneException extends QuaestorException {

    private static final long serialVersionUID = 1L;

    public GoneException(String detail) {
        super(detail, null);
    }

    @Override
    public int status() {
        return 410;
    }

    @Override
    public String slug() {
        return "gone";
    }

    @Override
    public String title() {
        return "No longer available";
    }
}
