package io.quaestor.security.control;

import io.quaestor.platform.problem.AccessDeniedException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/** The current request's caller, for resources and services. */
@RequestScoped
public class CallerContext {

    @Inject
    HttpServletRequest request;

    public Optional<Caller> current() {
        return request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller ? Optional.of(caller) : Optional.empty();
    }

    /** The caller of a method that required authentication; its absence is a programming error made safe. */
    public Caller require() {
        return current().orElseThrow(() -> new AccessDeniedException("unauthenticated", "No authenticated caller."));
    }
}
