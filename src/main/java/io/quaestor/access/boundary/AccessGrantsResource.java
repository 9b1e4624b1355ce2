package io.quaestor.access.boundary;

import io.quaestor.access.control.AccessGrants;
import io.quaestor.access.entity.AccessGrant;
import io.quaestor.access.entity.GrantStatus;
import io.quaestor.access.entity.JustificationCode;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.platform.http.Params;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
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
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/** Access grants: operators ask, a second person approves sensitive ones, break-glass is reviewed after. */
@Path("access/grants")
@Tag(name = "Operator access")
@Produces(MediaType.APPLICATION_JSON)
public class AccessGrantsResource {

    static final String SCOPE_ID = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$";
    static final String NOTE = "^[^\\p{Cntrl}]{1,1000}$";

    /** A request body (a class with public fields: Payara's OpenAPI cannot read constraints on record components). */
    public static class GrantRequest {
        @NotNull
        @Pattern(regexp = "CUSTOMER_SUPPORT|PRODUCTION_ALERT|SECURITY_REVIEW|LEGAL_REQUEST|DSAR_FULFILMENT|BREACH_INVESTIGATION",
                message = "must be CUSTOMER_SUPPORT, PRODUCTION_ALERT, SECURITY_REVIEW, LEGAL_REQUEST, DSAR_FULFILMENT or BREACH_INVESTIGATION")
        public String justificationCode;

        @NotBlank
        @Pattern(regexp = "^[^\\p{Cntrl}]{1,200}$", message = "a ticket or incident reference, up to 200 printable characters")
        public String reference;

        @NotNull
        @Pattern(regexp = SCOPE_ID, message = "a tenant id: letters, digits, '.', '_', ':' or '-'")
        public String tenant;

        @Pattern(regexp = SCOPE_ID, message = "an account id: letters, digits, '.', '_', ':' or '-'")
        public String accountId;

        @NotNull
        @Size(min = 1, max = 12)
        public Set<@NotNull @Pattern(regexp = "^[a-z][a-z0-9-]{0,63}$", message = "a data category of the data map") String> categories;

        /** ISO-8601, e.g. PT2H; at most the configured maximum, which is also the default. */
        public String duration;

        public Boolean breakGlass;
    }

    public static class Decision {
        @NotNull
        @Pattern(regexp = "approve|reject", message = "must be approve or reject")
        public String decision;

        @NotNull
        @Pattern(regexp = NOTE, message = "up to 1000 printable characters")
        public String note;
    }

    public static class Review {
        @NotNull
        @Pattern(regexp = "justified|unjustified", message = "must be justified or unjustified")
        public String outcome;

        @NotNull
        @Pattern(regexp = NOTE, message = "up to 1000 printable characters")
        public String note;
    }

    @Inject
    AccessGrants grants;

    @Inject
    DataMaps maps;

    @Inject
    CallerContext callers;

    @Inject
    Clock clock;

    @POST
    @RolesAllowed(Role.Names.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ask for access to a tenant's (or one account's) data in named categories, with a justification")
    public Response request(@Valid GrantRequest body, @Context UriInfo uri) {
        Set<String> known = maps.active().map().tables().stream().map(DataMap.MappedTable::category).collect(Collectors.toSet());
        Set<String> unknown = new TreeSet<>(body.categories);
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new InvalidInputException("categories", "Not categories of the data map: " + String.join(", ", unknown)
                    + ". Known: " + String.join(", ", new TreeSet<>(known)) + ".");
        }
        AccessGrant grant = grants.request(new AccessGrant.Request(null, JustificationCode.valueOf(body.justificationCode),
                body.reference.strip(), body.tenant, body.accountId == null ? null : body.accountId.toLowerCase(Locale.ROOT),
                body.categories, Params.duration("duration", body.duration), Boolean.TRUE.equals(body.breakGlass)),
                callers.require());
        return Response.created(uri.getAbsolutePathBuilder().path(grant.getId().toString()).build())
                .entity(GrantView.of(grant, clock.instant())).build();
    }

    @GET
    @RolesAllowed({Role.Names.OPERATOR, Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "List grants: an operator's own, or all for privacy officers, administrators and auditors")
    public List<GrantView> list(@QueryParam("status") String status) {
        GrantStatus wanted = status == null ? null : status(status);
        return grants.list(callers.require(), wanted).stream().map(g -> GrantView.of(g, clock.instant())).toList();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Role.Names.OPERATOR, Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "Read one grant")
    public GrantView get(@PathParam("id") UUID id) {
        return GrantView.of(grants.get(id, callers.require()), clock.instant());
    }

    @POST
    @Path("{id}/decision")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Approve or reject a pending grant (never one's own)")
    public GrantView decide(@PathParam("id") UUID id, @Valid Decision body) {
        return GrantView.of(grants.decide(id, "approve".equals(body.decision), body.note, callers.require()), clock.instant());
    }

    @POST
    @Path("{id}/revocation")
    @RolesAllowed({Role.Names.OPERATOR, Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN})
    @Operation(summary = "End an active or pending grant now")
    public GrantView revoke(@PathParam("id") UUID id) {
        return GrantView.of(grants.revoke(id, callers.require()), clock.instant());
    }

    @POST
    @Path("{id}/review")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Review a break-glass grant after the fact (never one's own)")
    public GrantView review(@PathParam("id") UUID id, @Valid Review body) {
        return GrantView.of(grants.review(id, "justified".equals(body.outcome), body.note, callers.require()), clock.instant());
    }

    private static GrantStatus status(String raw) {
        try {
            return GrantStatus.valueOf(raw.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("status", "status must be one of PENDING, ACTIVE, REJECTED, REVOKED, LAPSED, EXPIRED.");
        }
    }
}
