package io.quaestor.security.boundary;

import io.quaestor.security.control.AllowedBeforePasswordChange;
import io.quaestor.security.control.BrowserSessions;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.control.SignIn;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Instant;

/** Password sign-in for browsers: an HttpOnly, SameSite=Strict session cookie plus a CSRF token for the page to send back. */
@Path("session")
@Tag(name = "Sessions")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    /*
     * Request bodies are classes with constrained public fields rather than records: Payara's
     * OpenAPI generator fails on constructor parameters that carry Bean Validation annotations.
     */
    public static class SignInRequest {
        @NotNull
        @Size(min = 1, max = 64)
        public String username;

        @NotNull
        @Size(min = 1, max = 256)
        public String password;
    }

    public record SessionView(String csrfToken, Instant expiresAt, boolean passwordChangeRequired,
                              SecurityViews.UserView user) {
    }

    @Inject
    SignIn signIn;

    @Inject
    BrowserSessions sessions;

    @Inject
    CallerContext callers;

    @Inject
    @ConfigProperty(name = "quaestor.security.session.cookie-secure", defaultValue = "true")
    boolean secureCookie;

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sign in with username and password; sets the session cookie and returns the CSRF token")
    public Response signIn(@Valid SignInRequest request, @Context HttpServletRequest http) {
        BrowserSessions.OpenedSession opened = signIn.signIn(request.username, request.password, http.getRemoteAddr());
        SessionView view = new SessionView(opened.csrfToken(), opened.session().expiresAt(),
                opened.user().passwordChangeRequired(), SecurityViews.of(opened.user()));
        return Response.created(URI.create("/api/session"))
                .cookie(cookie(opened.cookieSecret(), (int) sessions.lifetime().toSeconds()))
                .entity(view)
                .build();
    }

    @DELETE
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR, Role.Names.INCIDENT_RESPONDER,
            Role.Names.OPERATOR, Role.Names.ADMIN})
    @AllowedBeforePasswordChange
    @Operation(summary = "Sign out: ends the browser session on every instance")
    public Response signOut() {
        sessions.close(callers.require());
        return Response.noContent().cookie(cookie("", 0)).build();
    }

    private NewCookie cookie(String value, int maxAgeSeconds) {
        return new NewCookie.Builder(BrowserSessions.COOKIE)
                .value(value)
                .path("/api")
                .maxAge(maxAgeSeconds)
                .httpOnly(true)
                .secure(secureCookie)
                .sameSite(NewCookie.SameSite.STRICT)
                .build();
    }
}
