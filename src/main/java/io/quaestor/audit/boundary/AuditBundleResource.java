package io.quaestor.audit.boundary;

import io.quaestor.audit.control.AuditSealer;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.audit.control.AuditSealing;
import io.quaestor.audit.control.BundleWriter;
import io.quaestor.audit.control.CheckpointSigner;
import io.quaestor.audit.control.Origins;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** The trail as a bundle an auditor verifies offline with audit/VerifyBundle.java (format: audit/README.md). */
@Path("audit/bundle")
@Tag(name = "Audit trail")
public class AuditBundleResource {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    AuditSealing sealing;

    @Inject
    AuditSealer sealer;

    @Inject
    AuditLog log;

    @Inject
    CallerContext callers;

    @GET
    @Produces("application/zip")
    @RolesAllowed({Role.Names.AUDITOR, Role.Names.ADMIN})
    @Operation(summary = "Export the whole trail (its unsealed tail included) with its signed checkpoints and append signature, as a ZIP bundle for offline verification")
    public Response bundle(@Context HttpServletRequest http) {
        CheckpointSigner signer = sealing.requireSigner();
        Caller caller = callers.require();
        log.appendTrailRead(caller, Origins.truncate(http.getRemoteAddr()), "audit.bundle-exported", Map.of());
        sealer.catchUp();
        StreamingOutput body = out -> {
            try (Connection c = quaestor.getConnection()) {
                int isolation = c.getTransactionIsolation();
                c.setAutoCommit(false);
                // One snapshot for every entry: events, leaves, checkpoints and the append signature agree.
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try {
                    BundleWriter.write(c, signer.publicKeyBase64(), out);
                    c.commit();
                } finally {
                    c.rollback();
                    c.setTransactionIsolation(isolation);
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new IOException("the audit trail could not be read", e);
            }
        };
        return Response.ok(body, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"quaestor-audit-bundle.zip\"")
                .build();
    }
}
