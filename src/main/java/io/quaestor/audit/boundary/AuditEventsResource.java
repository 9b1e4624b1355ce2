package io.quaestor.audit.boundary;

import io.quaestor.audit.control.AuditQuery;
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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Set;

/** The trail for auditors: filters, and pages in sequence order (pass nextAfterSeq as afterSeq). */
@Path("audit/events")
@Tag(name = "Audit trail")
@Produces(MediaType.APPLICATION_JSON)
public class AuditEventsResource {

    private static final Set<String> OUTCOMES = Set.of("success", "denied", "error");

    @Inject
    AuditQuery query;

    @Inject
    CallerContext callers;

    @GET
    @RolesAllowed({Role.Names.AUDITOR, Role.Names.ADMIN})
    @Operation(summary = "Search audit events by time, actor, tenant, resource, action, justification and outcome")
    public AuditQuery.Page search(@QueryParam("from") String from, @QueryParam("to") String to,
                                  @QueryParam("actor") String actor, @QueryParam("tenant") String tenant,
                                  @QueryParam("resourceType") String resourceType, @QueryParam("resourceId") String resourceId,
                                  @QueryParam("action") String action, @QueryParam("justificationCode") String justificationCode,
                                  @QueryParam("outcome") String outcome, @QueryParam("afterSeq") String afterSeq,
                                  @QueryParam("limit") String limit, @Context HttpServletRequest http) {
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new InvalidInputException("outcome", "outcome must be success, denied or error.");
        }
        AuditQuery.Filter filter = new AuditQuery.Filter(Params.instant("from", from), Params.instant("to", to), actor, tenant, resourceType,
                resourceId, action, justificationCode, outcome, Params.number("afterSeq", afterSeq, -1, -1, Long.MAX_VALUE),
                (int) Params.number("limit", limit, 100, 1, 1000));
        return query.search(filter, callers.require(), Origins.truncate(http.getRemoteAddr()));
    }
}
