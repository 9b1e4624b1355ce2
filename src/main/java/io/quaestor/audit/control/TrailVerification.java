package io.quaestor.audit.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** Runs the trail verifier for a caller; the verification, a read of the audit trail, is itself audited. */
@ApplicationScoped
public class TrailVerification {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    AuditSealing sealing;

    @Inject
    AuditSealer sealer;

    @Inject
    AuditLog log;

    @Transactional
    public TrailVerifier.Report verify(Caller caller, String origin) {
        CheckpointSigner signer = sealing.requireSigner();
        sealer.catchUp();
        TrailVerifier.Report report;
        try (Connection c = quaestor.getConnection()) {
            report = TrailVerifier.verify(c, signer.publicKeyBase64());
        } catch (SQLException | GeneralSecurityException e) {
            throw new IllegalStateException("the audit trail could not be read for verification", e);
        }
        log.appendTrailRead(caller, origin, "audit.verified", Map.of("intact", Boolean.toString(report.intact()),
                "eventsChecked", Long.toString(report.eventsChecked())));
        return report;
    }
}
