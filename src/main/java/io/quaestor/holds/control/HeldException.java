package io.quaestor.holds.control;

import io.quaestor.platform.problem.QuaestorException;

import java.util.List;
import java.util.stream.Collectors;

/** A deletion refused because legal holds are in force; the detail names each hold and its reason. */
public class HeldException extends QuaestorException {

    private static final long serialVersionUID = 1L;

    public HeldException(String what, List<LegalHolds.HoldInForce> holds) {
        super(what + " is blocked: " + holds.stream().map(LegalHolds.HoldInForce::describe).collect(Collectors.joining("; "))
                + ". Release the hold (or wait for it to end) first.", null);
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String slug() {
        return "legal-hold";
    }

    @Override
    public String title() {
        return "Blocked by a legal hold";
    }
}
