package io.quaestor.audit.control;

import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** One seal in its own transaction, so that the advisory lock and the checkpoint commit together. */
@ApplicationScoped
public class AuditSealer {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.audit.heartbeat-seconds", defaultValue = "60")
    long heartbeatSeconds;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Sealer.Checkpoint> sealNow(CheckpointSigner signer) {
        try (Connection c = quaestor.getConnection()) {
            return Sealer.sealOnce(c, signer, clock.instant(), Duration.ofSeconds(heartbeatSeconds));
        } catch (SQLException | GeneralSecurityException e) {
            throw new IllegalStateException("the audit trail could not be sealed", e);
        }
    }
}
