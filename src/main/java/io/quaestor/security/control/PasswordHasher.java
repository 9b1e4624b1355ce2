package io.quaestor.security.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;

/**
 * Passwords through the platform's PBKDF2 (HMAC-SHA512, 32-byte salt). The stored form carries its
 * own algorithm and iteration count, so raising {@code quaestor.security.password.iterations}
 * strengthens new hashes without breaking old ones.
 */
@ApplicationScoped
public class PasswordHasher {

    @Inject
    Pbkdf2PasswordHash pbkdf2;

    @Inject
    @ConfigProperty(name = "quaestor.security.password.iterations", defaultValue = "210000")
    int iterations;

    /** Verified against when a username is unknown, so that the answer takes as long either way. */
    private String decoy;

    @PostConstruct
    void configure() {
        pbkdf2.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA512",
                "Pbkdf2PasswordHash.Iterations", Integer.toString(iterations),
                "Pbkdf2PasswordHash.SaltSizeBytes", "32",
                "Pbkdf2PasswordHash.KeySizeBytes", "64"));
        decoy = hash(Secrets.temporaryPassword());
    }

    public String hash(String password) {
        return pbkdf2.generate(password.toCharArray());
    }

    public boolean matches(String password, String storedHash) {
        return pbkdf2.verify(password.toCharArray(), storedHash);
    }

    /** Spends the time of one verification and returns false. */
    public boolean matchesNothing(String password) {
        pbkdf2.verify(password.toCharArray(), decoy);
        return false;
    }
}
