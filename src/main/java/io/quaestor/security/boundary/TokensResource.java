package io.quaestor.security.boundary;

import io.quaestor.platform.http.Params;
import io.quaestor.security.control.ApiTokens;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Bearer API tokens, issued by administrators to staff users and to the gateway's service identity. */
@Path("tokens")
@Tag(name = "API tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokensResource {

    static final String TOKEN_NAME = "^[\\p{L}\\p{N}][\\p{L}\\p{N} ._:-]{0,79}$";

    /** A request body (a class, not a record: see SessionResource.SignInRequest). */
    public static class NewToken {
        @NotNull
        public UUID ownerId;

        @NotNull
        @Pattern(regexp = TOKEN_NAME, message = "letters, digits, spaces, '.', '_', ':' or '-', up to 80")
        public String name;

        @NotNull
        @Size(min = 1, max = 6)
        public Set<@NotNull @Pattern(regexp = Role.Names.PATTERN, message = "must be one of " + Role.Names.PATTERN) String> roles;

        @Min(1)
        @Max(3650)
        public Integer expiresInDays;
    }

    @Inject
    ApiTokens tokens;

    @Inject
    CallerContext callers;

    @Inject
    Clock clock;

    @GET
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "List API tokens (metadata only), optionally of one owner")
    public List<SecurityViews.TokenView> list(@QueryParam("ownerId") String ownerId) {
        Instant now = clock.instant();
        return tokens.list(Optional.ofNullable(ownerId).map(raw -> Params.uuid("ownerId", raw))).stream()
                .map(t -> SecurityViews.of(t, now)).toList();
    }

    @POST
    @RolesAllowed(Role.Names.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue an API token; the secret is in this response only")
    public Response issue(@Valid NewToken request, @Context UriInfo uri) {
        ApiTokens.IssuedToken issued = tokens.issue(request.ownerId, request.name,
                SecurityViews.roles(request.roles), request.expiresInDays, callers.require());
        return Response.created(uri.getAbsolutePathBuilder().path(issued.token().id().toString()).build())
                .entity(new SecurityViews.IssuedTokenView(issued.secret(), SecurityViews.of(issued.token(), clock.instant())))
                .build();
    }
}
