package io.quaestor.access.boundary;

import io.quaestor.access.control.AccessGate;
import io.quaestor.access.control.AccessPolicy;
import io.quaestor.datamap.entity.SubjectIdentifier;
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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * An operator's look at customer data, under one of their grants. A POST, so that the identifier
 * (often an email address) travels in the body and never in a URL or an access log.
 */
@Path("access/lookups")
@Tag(name = "Operator access")
@Produces(MediaType.APPLICATION_JSON)
public class LookupsResource {

    public static class LookupRequest {
        @NotNull
        public UUID grantId;

        @NotNull
        @Pattern(regexp = "email|account-id|api-key-prefix|organization", message = "must be email, account-id, api-key-prefix or organization")
        public String kind;

        @NotNull
        @Size(min = 1, max = 320)
        public String value;

        @Size(max = 12)
        public Set<@NotNull @Pattern(regexp = "^[a-z][a-z0-9-]{0,63}$", message = "a data category of the data map") String> categories;

        @Min(1)
        @Max(1000)
        public Integer limitPerTable;
    }

    @Inject
    AccessGate gate;

    @Inject
    AccessPolicy policy;

    @Inject
    CallerContext callers;

    @Inject
    io.quaestor.datamap.control.SubjectFinder finder;

    @POST
    @RolesAllowed(Role.Names.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Look up a customer's data under an active grant; every look, allowed or refused, is audited")
    @APIResponse(responseCode = "200", description = "The rows the grant covers; Server-Timing says how long the gate took",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessGate.Result.class)))
    public Response lookup(@Valid LookupRequest body) {
        int limit = Math.min(body.limitPerTable == null ? policy.maxRowsPerTable() : body.limitPerTable, policy.maxRowsPerTable());
        AccessGate.Timed timed = gate.lookup(new AccessGate.Lookup(body.grantId, finder.identifier(body.kind, body.value),
                body.categories == null ? Set.of() : body.categories, limit), callers.require());
        return Response.ok(timed.result())
                .header("Server-Timing", String.format(Locale.ROOT, "gate;dur=%.3f, read;dur=%.3f, release;dur=%.3f",
                        timed.gateNanos() / 1e6, timed.readNanos() / 1e6, timed.releaseNanos() / 1e6))
                .build();
    }
}
