package io.quaestor.audit;

import io.quaestor.audit.control.CheckpointSigner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signer's fast Ed25519 makes exactly the signature the JDK makes, so every verifier (ours, the auditor's, the browser's) accepts it. */
class CheckpointSignerTest {

    @Test
    void signaturesAreTheJdksBytesAndVerifyWithTheJdk() throws Exception {
        for (int i = 0; i < 20; i++) {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            CheckpointSigner signer = CheckpointSigner.fromBase64(Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()),
                    Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
            byte[] message = CheckpointSigner.statement(i, new byte[32], java.time.Instant.EPOCH, signer.keyId()).getBytes(StandardCharsets.UTF_8);
            Signature jdk = Signature.getInstance("Ed25519");
            jdk.initSign(pair.getPrivate());
            jdk.update(message);
            assertArrayEquals(jdk.sign(), signer.sign(message));
            assertTrue(signer.verify(message, signer.sign(message)));
        }
    }

    @Test
    void aPrivateKeyWithAnotherKeysPublicHalfIsRefused() throws Exception {
        KeyPair one = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThrows(java.security.GeneralSecurityException.class, () -> CheckpointSigner.fromBase64(
                Base64.getEncoder().encodeToString(one.getPrivate().getEncoded()), Base64.getEncoder().encodeToString(other.getPublic().getEncoded())));
    }
}
