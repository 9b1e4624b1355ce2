package io.quaestor.audit.control;

import io.quaestor.platform.problem.StateConflictException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * The audit key pair from configuration ({@code quaestor.audit.signing-key}, {@code public-key}):
 * it signs every append and every checkpoint. It lives outside the database, so whoever controls
 * the database alone cannot make an event or a checkpoint that verifies.
 */
@ApplicationScoped
public class AuditKeys {

    @Inject
    @ConfigProperty(name = "quaestor.audit.signing-key")
    Optional<String> signingKey;

    @Inject
    @ConfigProperty(name = "quaestor.audit.public-key")
    Optional<String> publicKey;

    private CheckpointSigner signer;
    private javax.crypto.spec.SecretKeySpec pendingKey;

    @PostConstruct
    void load() {
        if (signingKey.isEmpty() || publicKey.isEmpty()) {
            return;
        }
        try {
            signer = CheckpointSigner.fromBase64(signingKey.get(), publicKey.get());
            pendingKey = signer.pendingKey();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("quaestor.audit.signing-key / public-key are not a matching Ed25519 pair", e);
        }
    }

    /** The signer, or empty where no key is configured (the trail is then neither signed nor sealed). */
    public Optional<CheckpointSigner> signer() {
        return Optional.ofNullable(signer);
    }

    /** The key that authenticates pending audit rows, or null where no audit key is configured. */
    public javax.crypto.spec.SecretKeySpec pendingKey() {
        return pendingKey;
    }

    /** The signer, for work that is meaningless without one (verification, bundles): 409 when none is configured. */
    public CheckpointSigner require() {
        return signer().orElseThrow(() -> new StateConflictException(
                "No audit signing key is configured (quaestor.audit.signing-key), so the trail is not sealed."));
    }
}
