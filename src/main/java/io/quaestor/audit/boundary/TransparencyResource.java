package io.quaestor.audit.boundary;

import io.quaestor.audit.control.AccessTransparency;
import io.quaestor.audit.control.Origins;
import io.quaestor.platform.http.Params;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Access transparency: the gateway fetches a tenant's feed (GATEWAY role) to show it in the
 * tenant's console; privacy officers and auditors read it too.
 */
@Path("transparency/tenants/{tenant}/events")
@Tag(name = "Access transparency")
@Produces(MediaType.APPLICATION_JSON)
public class TransparencyResource {

    @Inject
    AccessTransparency transparency;

    @Inject
    CallerContext callers;

    @GET
    @RolesAllowed({Role.Names.GATEWAY, Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "A tenant's feed of operator access to its data, each entry with its inclusion proof")
    public AccessTransparency.Feed feed(@PathParam("tenant") String tenant, @QueryParam("afterSeq") String afterSeq,
                                        @QueryParam("limit") String limit, @Context HttpServletRequest http) {
        if (!tenant.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")) {
            throw new InvalidInputException("tenant", "A tenant id is letters, digits, '.', '_', ':' or '-'.");
        }
        return transparency.feed(tenant, Params.number("afterSeq", afterSeq, -1, -1, Long.MAX_VALUE),
                (int) Params.number("limit", limit, 100, 1, 500), callers.require(), Origins.truncate(http.getRemoteAddr()));
    }
}
