package io.quaestor.holds.boundary;

import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.entity.SubjectIdentifier;
import io.quaestor.holds.control.LegalHolds;
import io.quaestor.holds.entity.HoldScope;
import io.quaestor.platform.http.Params;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/** Legal holds: placed and released by the privacy office or an administrator, read by auditors too. */
@Path("legal-holds")
@Tag(name = "Legal holds")
@Produces(MediaType.APPLICATION_JSON)
public class LegalHoldsResource {

    static final String TEXT = "^[^\\p{Cntrl}]+$";

    public static class NewHold {
        @NotNull
        @Pattern(regexp = "TENANT|ACCOUNT|CATEGORY", message = "must be TENANT, ACCOUNT or CATEGORY")
        public String scope;

        @NotBlank
        @Pattern(regexp = "^[^\\p{Cntrl}]{1,256}$", message = "a tenant id, account id (as the gateway's store has it) or data category,"
                + " up to 256 printable characters")
        public String scopeValue;

        @NotBlank
        @Pattern(regexp = "^[^\\p{Cntrl}]{3,2000}$", message = "why data must be kept: 3 to 2000 printable characters")
        public String reason;

        @Pattern(regexp = "^[^\\p{Cntrl}]{1,200}$", message = "a case or matter reference, up to 200 printable characters")
        public String matter;

        /** The staff member answerable for the hold; the caller when absent. */
        public UUID ownerId;

        /** ISO-8601 instant; now when absent. */
        public String startsAt;

        /** ISO-8601 instant; the hold lasts until released when absent. */
        public String endsAt;
    }

    public static class Release {
        @NotBlank
        @Pattern(regexp = "^[^\\p{Cntrl}]{3,2000}$", message = "why the hold ends: 3 to 2000 printable characters")
        public String reason;
    }

    @Inject
    LegalHolds holds;

    @Inject
    DataMaps maps;

    @Inject
    CallerContext callers;

    @Inject
    Clock clock;

    @POST
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Place a legal hold", description = "Data of the tenant, account or category is neither erased nor purged while the hold is in force.")
    public Response place(@Valid @NotNull NewHold body, @Context UriInfo uri) {
        var caller = callers.require();
        if (body.scope.equals("ACCOUNT")) {
            SubjectIdentifier.requireAccountId(body.scopeValue, maps.active().map(), "scopeValue");
        } else if (body.scope.equals("TENANT")) {
            requireTenant(body.scopeValue);
        }
        var hold = holds.place(new LegalHolds.Placement(HoldScope.valueOf(body.scope), body.scopeValue, body.reason, body.matter,
                body.ownerId == null ? caller.userId() : body.ownerId,
                body.startsAt == null ? null : Params.instant("startsAt", body.startsAt),
                body.endsAt == null ? null : Params.instant("endsAt", body.endsAt)), caller);
        return Response.created(uri.getAbsolutePathBuilder().path(hold.getId().toString()).build())
                .entity(HoldView.of(hold, clock.instant())).build();
    }

    /** A tenant in the form of the store's tenant key (a uuid store refuses a name), so a hold cannot miss by a typo of form. */
    private void requireTenant(String raw) {
        try {
            SubjectIdentifier.of("organization", raw, maps.active().map().subject());
        } catch (io.quaestor.platform.problem.InvalidInputException e) {
            throw new io.quaestor.platform.problem.InvalidInputException("scopeValue", e.getMessage());
        }
    }

    @GET
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "List legal holds, newest first; inForce=true for those in force now")
    public List<HoldView> list(@QueryParam("inForce") boolean inForce) {
        return holds.list(inForce).stream().map(h -> HoldView.of(h, clock.instant())).toList();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "One legal hold")
    public HoldView get(@PathParam("id") UUID id) {
        return HoldView.of(holds.get(id), clock.instant());
    }

    @POST
    @Path("{id}/release")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Release a legal hold, with the reason")
    public HoldView release(@PathParam("id") UUID id, @Valid @NotNull Release body) {
        return HoldView.of(holds.release(id, body.reason, callers.require()), clock.instant());
    }
}
