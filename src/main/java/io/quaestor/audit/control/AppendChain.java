package io.quaestor.audit.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The hash chain that append signatures cover. Each append (one event, or one ingested batch)
 * extends the chain with its leaves and signs the statement
 * <pre>
 * quaestor-audit-append/v1
 * first_seq=F
 * last_seq=L
 * chain=&lt;hex SHA-256 chain value after leaf L&gt;
 * key_id=&lt;first 8 bytes of SHA-256 of the public key, hex&gt;
 * </pre>
 * with the audit key. Since each chain value commits to every leaf before it, checking that the
 * chain recomputed from the leaves equals every stated value, and that the last statement's
 * signature verifies, proves that every event up to L was appended by Quaestor: an event inserted
 * behind its back is either not covered (a tail) or breaks the chain.
 */
public final class AppendChain {

    public static final byte[] START = new byte[32];

    private final MessageDigest sha256;
    private byte[] value;

    private AppendChain(byte[] start) {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        this.value = start == null ? START.clone() : start.clone();
    }

    /** A chain continuing from a stated value (the start of the trail when null). */
    public static AppendChain from(byte[] start) {
        return new AppendChain(start);
    }

    public AppendChain append(byte[] leaf) {
        sha256.update(value);
        sha256.update(leaf);
        value = sha256.digest();
        return this;
    }

    public byte[] value() {
        return value.clone();
    }

    public boolean is(byte[] stated) {
        return Arrays.equals(value, stated);
    }

    public static String statement(long firstSeq, long lastSeq, byte[] chain, String keyId) {
        return "quaestor-audit-append/v1\n"
                + "first_seq=" + firstSeq + "\n"
                + "last_seq=" + lastSeq + "\n"
                + "chain=" + HexFormat.of().formatHex(chain) + "\n"
                + "key_id=" + keyId + "\n";
    }

    /** Whether a stored statement and signature are the audit key's word for this range and chain value. */
    public static boolean vouches(PublicKey key, long firstSeq, long lastSeq, byte[] chain, String statement, byte[] signature)
            throws GeneralSecurityException {
        if (!statement(firstSeq, lastSeq, chain, CheckpointSigner.keyId(key)).equals(statement)) {
            return false;
        }
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initVerify(key);
        ed25519.update(statement.getBytes(StandardCharsets.UTF_8));
        return ed25519.verify(signature);
    }
}
