package io.quaestor.audit.boundary;

import io.quaestor.audit.control.Origins;
import io.quaestor.audit.control.TrailVerification;
import io.quaestor.audit.control.TrailVerifier;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit trail checked end to end against its signed checkpoints. */
@Path("audit/verification")
@Tag(name = "Audit trail")
@Produces(MediaType.APPLICATION_JSON)
public class AuditVerificationResource {

    @Inject
    TrailVerification verification;

    @Inject
    CallerContext callers;

    @GET
    @RolesAllowed({Role.Names.AUDITOR, Role.Names.ADMIN})
    @Operation(summary = "Verify the whole trail: sequence, records, leaf hashes, signed checkpoints; names the first bad sequence number")
    public TrailVerifier.Report verify(@Context HttpServletRequest http) {
        return verification.verify(callers.require(), Origins.truncate(http.getRemoteAddr()));
    }
}
