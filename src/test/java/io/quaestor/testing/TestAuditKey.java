package io.quaestor.testing;

import io.quaestor.audit.control.CheckpointSigner;

import java.security.GeneralSecurityException;

/**
 * The audit key pair the tests share (the one arquillian.xml gives Payara Micro): tests that append
 * to the shared database sign with it, so every later seal there finds each append vouched for.
 */
public final class TestAuditKey {

    public static final String SIGNING_KEY = "MC4CAQAwBQYDK2VwBCIEIN8ocU57aLWi5+N2mLaZgcE121PlAHd8T+Y4mHohkQNB";
    public static final String PUBLIC_KEY = "MCowBQYDK2VwAyEAVqJvXur9rM51apLlS+n4ZiXP/q478PXu0gT8TX2aFNI=";

    private TestAuditKey() {
    }

    public static CheckpointSigner signer() {
        try {
            return CheckpointSigner.fromBase64(SIGNING_KEY, PUBLIC_KEY);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
