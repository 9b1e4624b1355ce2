package io.quaestor.audit.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready without a signing key: an unsealed audit trail is not evidence. */
@ApplicationScoped
public class AuditSealingHealth {

    @Inject
    AuditSealing sealing;

    @Produces
    @Readiness
    HealthCheck auditSealing() {
        return () -> {
            boolean configured = sealing.signer().isPresent();
            return HealthCheckResponse.named("audit-sealing")
                    .withData("signing-key-configured", configured)
                    .status(configured)
                    .build();
        };
    }
}
