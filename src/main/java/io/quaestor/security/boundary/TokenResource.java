package io.quaestor.security.boundary;

import io.quaestor.security.control.ApiTokens;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.util.UUID;

/** One API token. */
@Path("tokens/{id}")
@Tag(name = "API tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    @Inject
    ApiTokens tokens;

    @Inject
    CallerContext callers;

    @Inject
    Clock clock;

    @GET
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Read a token's metadata")
    public SecurityViews.TokenView get(@PathParam("id") UUID id) {
        return SecurityViews.of(tokens.get(id), clock.instant());
    }

    @DELETE
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Revoke a token at once (repeating it changes nothing)")
    public Response revoke(@PathParam("id") UUID id) {
        tokens.revoke(id, callers.require());
        return Response.noContent().build();
    }
}
