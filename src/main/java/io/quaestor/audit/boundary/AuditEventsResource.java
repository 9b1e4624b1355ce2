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
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
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
    @Operation(summary = "Search audit events by time, actor, tenant, resource, action, justification, outcome and break-glass")
    public AuditQuery.Page search(@QueryParam("from") String from, @QueryParam("to") String to,
                                  @QueryParam("actor") String actor, @QueryParam("tenant") String tenant,
                                  @QueryParam("resourceType") String resourceType, @QueryParam("resourceId") String resourceId,
                                  @QueryParam("action") String action, @QueryParam("justificationCode") String justificationCode,
                                  @QueryParam("outcome") String outcome, @QueryParam("breakGlass") String breakGlass,
                                  @QueryParam("afterSeq") String afterSeq, @QueryParam("limit") String limit,
                                  @Context HttpServletRequest http) {
        AuditQuery.Filter filter = filter(from, to, actor, tenant, resourceType, resourceId, action, justificationCode, outcome,
                breakGlass, afterSeq, (int) Params.number("limit", limit, 100, 1, 1000));
        return query.search(filter, callers.require(), Origins.truncate(http.getRemoteAddr()));
    }

    @GET
    @Path("export")
    @Produces("application/x-ndjson")
    @RolesAllowed({Role.Names.AUDITOR, Role.Names.ADMIN})
    @Operation(summary = "Download exactly the events a search matches (all pages) as JSON Lines; the export is itself an audit event")
    public Response export(@QueryParam("from") String from, @QueryParam("to") String to,
                           @QueryParam("actor") String actor, @QueryParam("tenant") String tenant,
                           @QueryParam("resourceType") String resourceType, @QueryParam("resourceId") String resourceId,
                           @QueryParam("action") String action, @QueryParam("justificationCode") String justificationCode,
                           @QueryParam("outcome") String outcome, @QueryParam("breakGlass") String breakGlass,
                           @Context HttpServletRequest http) {
        AuditQuery.Filter filter = filter(from, to, actor, tenant, resourceType, resourceId, action, justificationCode, outcome,
                breakGlass, null, 1000);
        var caller = callers.require();
        String origin = Origins.truncate(http.getRemoteAddr());
        StreamingOutput body = out -> query.export(filter, caller, origin, out);
        return Response.ok(body, "application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"audit-events.ndjson\"")
                .header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("{seq}")
    @RolesAllowed({Role.Names.AUDITOR, Role.Names.ADMIN})
    @Operation(summary = "One event with its canonical record re-derived from its columns (base64), for verifying it against its leaf hash")
    public AuditQuery.EventDetail event(@PathParam("seq") String seq, @Context HttpServletRequest http) {
        return query.event(Params.number("seq", seq, -1, 0, Long.MAX_VALUE), callers.require(), Origins.truncate(http.getRemoteAddr()));
    }

    private static AuditQuery.Filter filter(String from, String to, String actor, String tenant, String resourceType,
                                            String resourceId, String action, String justificationCode, String outcome,
                                            String breakGlass, String afterSeq, int limit) {
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new InvalidInputException("outcome", "outcome must be success, denied or error.");
        }
        if (breakGlass != null && !breakGlass.equals("true") && !breakGlass.equals("false")) {
            throw new InvalidInputException("breakGlass", "breakGlass must be true or false.");
        }
        return new AuditQuery.Filter(Params.instant("from", from), Params.instant("to", to), actor, tenant, resourceType,
                resourceId, action, justificationCode, outcome, breakGlass == null ? null : Boolean.valueOf(breakGlass),
                Params.number("afterSeq", afterSeq, -1, -1, Long.MAX_VALUE), limit);
    }
}
