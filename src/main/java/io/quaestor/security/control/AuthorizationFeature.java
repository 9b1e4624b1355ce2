package io.quaestor.security.control;

import io.quaestor.platform.problem.Problem;
import io.quaestor.platform.problem.ProblemResponses;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.lang.reflect.Method;
import java.util.Set;

/**
 * Deny by default: a resource method runs only if it (or its class) says who may call it with
 * {@code @PermitAll} or {@code @RolesAllowed}. Anything else, including a method that declares
 * nothing, is refused. Anonymous callers get 401; callers without a matching role get 403; a
 * person holding a temporary password may only change it.
 */
@Provider
public class AuthorizationFeature implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resourceInfo, FeatureContext context) {
        // Ahead of the runtime's own @RolesAllowed filter (Payara registers Jersey's), so that this
        // check, with its problem responses and deny-by-default rule, is the one that answers.
        context.register(new RoleCheck(Access.of(resourceInfo.getResourceMethod(), resourceInfo.getResourceClass())),
                Priorities.AUTHENTICATION + 100);
    }

    /** What a method declares. Method-level annotations override class-level ones. */
    record Access(boolean permitAll, Set<String> roles, boolean allowedBeforePasswordChange) {

        static Access of(Method method, Class<?> type) {
            boolean beforeChange = method.isAnnotationPresent(AllowedBeforePasswordChange.class);
            if (method.isAnnotationPresent(DenyAll.class)) {
                return new Access(false, Set.of(), false);
            }
            if (method.isAnnotationPresent(PermitAll.class)) {
                return new Access(true, Set.of(), true);
            }
            if (method.isAnnotationPresent(RolesAllowed.class)) {
                return new Access(false, Set.of(method.getAnnotation(RolesAllowed.class).value()), beforeChange);
            }
            if (type.isAnnotationPresent(DenyAll.class)) {
                return new Access(false, Set.of(), false);
            }
            if (type.isAnnotationPresent(PermitAll.class)) {
                return new Access(true, Set.of(), true);
            }
            if (type.isAnnotationPresent(RolesAllowed.class)) {
                return new Access(false, Set.of(type.getAnnotation(RolesAllowed.class).value()), beforeChange);
            }
            return new Access(false, Set.of(), false);
        }
    }

    static final class RoleCheck implements ContainerRequestFilter {

        private final Access access;

        RoleCheck(Access access) {
            this.access = access;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            if (access.permitAll()) {
                return;
            }
            Object property = request.getProperty(Caller.ATTRIBUTE);
            if (!(property instanceof Caller caller)) {
                request.abortWith(Boolean.TRUE.equals(request.getProperty(QuaestorAuthenticationMechanism.CSRF_REJECTED))
                        ? problem(403, "csrf-token-invalid", "CSRF check failed",
                        "A state-changing request from a browser session must carry its X-CSRF-Token header.")
                        : problem(401, "unauthenticated", "Authentication required",
                        "Sign in or send a valid bearer token."));
                return;
            }
            if (!caller.hasAnyRole(access.roles())) {
                request.abortWith(problem(403, "forbidden", "Access denied", "Your roles do not allow this operation."));
                return;
            }
            if (caller.passwordChangeRequired() && !access.allowedBeforePasswordChange()) {
                request.abortWith(problem(403, "password-change-required", "Password change required",
                        "Replace your temporary password (PUT /api/me/password) before doing anything else."));
            }
        }

        private static Response problem(int status, String slug, String title, String detail) {
            Response response = ProblemResponses.of(Problem.of(status, slug, title, detail));
            if (status == 401) {
                response.getHeaders().putSingle("WWW-Authenticate", "Bearer");
            }
            return response;
        }
    }
}
