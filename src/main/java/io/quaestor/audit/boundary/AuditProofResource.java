package io.quaestor.audit.boundary;

import io.quaestor.audit.control.Origins;
import io.quaestor.audit.control.TrailProofs;
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

/** RFC 9162 proofs over the audit trail, against signed checkpoints. */
@Path("audit/proofs")
@Tag(name = "Audit trail")
@Produces(MediaType.APPLICATION_JSON)
public class AuditProofResource {

    @Inject
    TrailProofs proofs;

    @Inject
    CallerContext callers;

    @GET
    @Path("inclusion")
    @RolesAllowed({Role.Names.AUDITOR, Role.Names.ADMIN})
    @Operation(summary = "Inclusion proof of event seq in a signed checkpoint (the latest unless treeSize names one)")
    public TrailProofs.InclusionProof inclusion(@QueryParam("seq") String seq, @QueryParam("treeSize") String treeSize,
                                               @Context HttpServletRequest http) {
        return proofs.inclusion(number("seq", seq), treeSize == null ? null : number("treeSize", treeSize),
                callers.require(), Origins.truncate(http.getRemoteAddr()));
    }

    @GET
    @Path("consistency")
    @RolesAllowed({Role.Names.AUDITOR, Role.Names.ADMIN})
    @Operation(summary = "Consistency proof between two signed checkpoints (tree sizes from and to)")
    public TrailProofs.ConsistencyProof consistency(@QueryParam("from") String from, @QueryParam("to") String to,
                                                   @Context HttpServletRequest http) {
        return proofs.consistency(number("from", from), number("to", to), callers.require(),
                Origins.truncate(http.getRemoteAddr()));
    }

    @GET
    @Path("checkpoints")
    @RolesAllowed({Role.Names.AUDITOR, Role.Names.ADMIN})
    @Operation(summary = "The newest signed checkpoints (statement and Ed25519 signature), newest first")
    public java.util.List<TrailProofs.SignedCheckpoint> checkpoints(@QueryParam("limit") String limit, @Context HttpServletRequest http) {
        return proofs.latest((int) io.quaestor.platform.http.Params.number("limit", limit, 10, 1, 100), callers.require(),
                Origins.truncate(http.getRemoteAddr()));
    }

    /**
     * Query numbers are parsed here: JAX-RS would answer an unparseable one with a bare 404, and
     * Payara's OpenAPI generator fails on Bean Validation annotations on query parameters.
     */
    private static long number(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInputException(name, name + " is required.");
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value < 0) {
                throw new InvalidInputException(name, name + " must not be negative.");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name, name + " must be a whole number.");
        }
    }
}
