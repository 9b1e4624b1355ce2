package io.quaestor.audit.boundary;

import io.quaestor.audit.control.AuditRetention;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Runs the audit trail's retention now rather than at the next scheduled hour. */
@Path("audit/retention-runs")
@Tag(name = "Audit trail")
@Produces(MediaType.APPLICATION_JSON)
public class AuditRetentionResource {

    @Inject
    AuditRetention retention;

    @Inject
    CallerContext callers;

    @POST
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Archive payloads past the online period and delete archives past total retention, now")
    public AuditRetention.Run run() {
        return retention.run(callers.require());
    }
}
