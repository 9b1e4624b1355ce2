package io.quaestor.security.control;

import io.quaestor.platform.http.RequestIds;
import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.platform.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.CallerPrincipal;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Collectors;

/**
 * Establishes the caller of every request. A bearer token that is present but not valid is
 * refused at once with 401; a session cookie that is stale is ignored (the request continues
 * anonymous, so signing in again works); no credential means anonymous. Whether anonymous may
 * proceed is decided per method by {@link AuthorizationFeature}.
 */
@ApplicationScoped
public class QuaestorAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final StructuredLog LOG = StructuredLog.of(QuaestorAuthenticationMechanism.class);

    /** Set when a session cookie came without its CSRF token on a state-changing request. */
    public static final String CSRF_REJECTED = QuaestorAuthenticationMechanism.class.getName() + ".csrfRejected";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    CredentialVerifier verifier;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        RequestIds.ensure(request);
        try {
            return establishCaller(request, response, context);
        } catch (RuntimeException unexpected) {
            // Fail closed, but with a problem the caller can quote, never the container's empty 500.
            LOG.failure(Level.SEVERE, "authentication.failed", unexpected);
            return send(response, Problem.of(500, "internal-error", "Internal error",
                    "The credential could not be checked; quote the request id when reporting it."), null);
        }
    }

    private AuthenticationStatus establishCaller(HttpServletRequest request, HttpServletResponse response,
                                                 HttpMessageContext context) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            return bearer(authorization, request, response, context);
        }
        Optional<String> cookie = sessionCookie(request);
        if (cookie.isPresent()) {
            boolean stateChanging = !SAFE_METHODS.contains(request.getMethod());
            CredentialVerifier.SessionCheck check = verifier.verifySession(cookie.get(), stateChanging,
                    request.getHeader(BrowserSessions.CSRF_HEADER));
            if (check.caller().isPresent()) {
                return signIn(check.caller().get(), request, context);
            }
            if (check.csrfRejected()) {
                request.setAttribute(CSRF_REJECTED, Boolean.TRUE);
            }
        }
        return context.doNothing();
    }

    private AuthenticationStatus bearer(String authorization, HttpServletRequest request, HttpServletResponse response,
                                        HttpMessageContext context) {
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refuse(response, "The Authorization header must be 'Bearer <token>'.");
        }
        CredentialVerifier.TokenCheck check = verifier.verifyToken(authorization.substring(7).trim());
        if (check.caller().isEmpty()) {
            return refuse(response, switch (check.refusal()) {
                case EXPIRED -> "The token has expired.";
                case REVOKED -> "The token has been revoked.";
                case OWNER_INACTIVE -> "The token's owner is deactivated.";
                case MALFORMED, UNKNOWN -> "The token is not valid.";
            });
        }
        return signIn(check.caller().get(), request, context);
    }

    private static AuthenticationStatus signIn(Caller caller, HttpServletRequest request, HttpMessageContext context) {
        request.setAttribute(Caller.ATTRIBUTE, caller);
        Set<String> groups = caller.roles().stream().map(Enum::name).collect(Collectors.toSet());
        return context.notifyContainerAboutLogin(new CallerPrincipal(caller.userId().toString()), groups);
    }

    private static AuthenticationStatus refuse(HttpServletResponse response, String detail) {
        return send(response, Problem.of(401, "invalid-token", "Invalid token", detail), "Bearer error=\"invalid_token\"");
    }

    private static AuthenticationStatus send(HttpServletResponse response, Problem problem, String challenge) {
        try {
            response.setStatus(problem.status());
            if (challenge != null) {
                response.setHeader("WWW-Authenticate", challenge);
            }
            response.setHeader("Cache-Control", "no-store");
            response.setContentType(Problem.MEDIA_TYPE);
            RequestIds.current().ifPresent(id -> response.setHeader(RequestIds.HEADER, id));
            byte[] body = RequestIds.current().map(problem::withRequestId).orElse(problem).toJson()
                    .getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            // Committed now, so that the container cannot replace the problem body with its error page.
            response.flushBuffer();
        } catch (IOException e) {
            // The client went away; it was refused either way.
        }
        return AuthenticationStatus.SEND_FAILURE;
    }

    private static Optional<String> sessionCookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        return Arrays.stream(cookies)
                .filter(c -> BrowserSessions.COOKIE.equals(c.getName()))
                .map(Cookie::getValue)
                .filter(v -> v != null && !v.isBlank() && v.length() <= 128)
                .findFirst();
    }
}
