package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Checks the whole trail against itself and its signed checkpoints, trusting nothing stored but
 * the public key:
 * <ul>
 *   <li>sequence numbers run from 0 without a gap (a deleted event is a gap);</li>
 *   <li>every event is vouched for by an append signature over the hash chain of the leaves
 *   (an event inserted with a consistent record and leaf hash, sealed or not, shows here);</li>
 *   <li>each event's columns re-derive its canonical bytes, which hash to its leaf (a changed
 *   column, even with triggers bypassed, shows here);</li>
 *   <li>every checkpoint's statement is signed by the key and states the root recomputed over the
 *   leaves up to its size (a consistent rewrite of an event and its hashes shows here);</li>
 *   <li>no checkpoint covers more events than exist (a truncated tail).</li>
 * </ul>
 * The report names the first sequence number that fails.
 */
public final class TrailVerifier {

    /** The outcome: intact, or the first bad sequence number and what is wrong there. */
    /**
     * The outcome: intact, or the first bad sequence number and what is wrong there.
     * {@code payloadsArchived} counts events past online retention, whose records live in the
     * archive: for those only the stored leaf hash enters the tree, still bound by the signed roots.
     */
    public record Report(boolean intact, long eventsChecked, long checkpointsChecked, Long firstBadSeq, String finding,
                         long payloadsArchived) {
        static Report bad(long events, long checkpoints, long seq, String finding) {
            return new Report(false, events, checkpoints, seq, finding, 0);
        }
    }

    private record Checkpoint(long treeSize, byte[] root, Instant issuedAt, String keyId, String statement, byte[] signature) {
    }

    private static final JsonProvider JSON = JsonProvider.provider();

    private TrailVerifier() {
    }

    public static Report verify(Connection c, String publicKeyX509Base64) throws SQLException, GeneralSecurityException {
        PublicKey key = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKeyX509Base64.trim())));
        List<Checkpoint> checkpoints = checkpoints(c);
        CompactRange range = CompactRange.empty();
        int next = 0;
        long previousSize = 0;
        long archived = 0;
        AppendSignatures.Coverage coverage = new AppendSignatures.Coverage(key, 0, null);
        try (PreparedStatement s = c.prepareStatement("SELECT e.seq, e.event_id, e.occurred_at, e.recorded_at, e.actor, e.actor_role, "
                + "e.authentication_method, e.break_glass, e.action, e.resource_type, e.resource_id, e.tenant, e.justification_code, "
                + "e.justification_reference, e.grant_id, e.approval_id, e.outcome, e.origin, e.request_id, e.details, e.leaf_hash, "
                + "e.payload_removed_at IS NOT NULL, e.canonical IS NULL OR sha256('\\x00'::bytea || e.canonical) = e.leaf_hash, "
                + AppendSignatures.ROW_COLUMNS + " FROM audit_event e LEFT JOIN audit_append_signature s ON s.last_seq = e.seq ORDER BY e.seq")) {
            s.setFetchSize(10_000);
            try (ResultSet rs = s.executeQuery()) {
                while (true) {
                    while (next < checkpoints.size() && checkpoints.get(next).treeSize() == range.size()) {
                        String problem = checkCheckpoint(checkpoints.get(next), range, key);
                        if (problem != null) {
                            return Report.bad(range.size(), next, previousSize, problem);
                        }
                        previousSize = range.size();
                        next++;
                    }
                    if (!rs.next()) {
                        break;
                    }
                    long seq = rs.getLong(1);
                    if (seq != range.size()) {
                        return Report.bad(range.size(), next, range.size(), "event " + range.size() + " is missing");
                    }
                    if (rs.getBoolean(22)) {
                        range.append(rs.getBytes(21));
                        coverage.leaf(seq, rs.getBytes(21), AppendSignatures.Row.read(rs, 24));
                        archived++;
                        continue;
                    }
                    // The leaf is recomputed from the columns themselves; the stored canonical bytes
                    // (served in the transparency feed) are hashed by PostgreSQL, so they need not travel.
                    byte[] canonical = rebuild(rs).canonical(seq, rs.getObject(4, OffsetDateTime.class).toInstant());
                    byte[] leaf = MerkleTree.leafHash(canonical);
                    if (!Arrays.equals(leaf, rs.getBytes(21))) {
                        return Report.bad(seq, next, seq, "the event's columns no longer match its leaf hash");
                    }
                    if (!rs.getBoolean(23)) {
                        return Report.bad(seq, next, seq, "the event's stored canonical record no longer matches its leaf hash");
                    }
                    range.append(leaf);
                    coverage.leaf(seq, leaf, AppendSignatures.Row.read(rs, 24));
                }
            }
        }
        if (next < checkpoints.size()) {
            return Report.bad(range.size(), next, range.size(), "checkpoint of size " + checkpoints.get(next).treeSize()
                    + " covers events from " + range.size() + " that are missing");
        }
        long vouched = coverage.vouchedUntil(range.size());
        if (vouched < range.size()) {
            return Report.bad(range.size(), next, vouched, "event " + vouched + " and the " + (range.size() - vouched - 1)
                    + " after it are not vouched for by a valid append signature: written outside Quaestor");
        }
        return new Report(true, range.size(), checkpoints.size(), null, "intact", archived);
    }

    private static String checkCheckpoint(Checkpoint checkpoint, CompactRange range, PublicKey key) throws GeneralSecurityException {
        String expected = CheckpointSigner.statement(checkpoint.treeSize(), checkpoint.root(), checkpoint.issuedAt(), checkpoint.keyId());
        if (!expected.equals(checkpoint.statement())) {
            return "checkpoint of size " + checkpoint.treeSize() + " does not state what its columns hold";
        }
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initVerify(key);
        ed25519.update(checkpoint.statement().getBytes(StandardCharsets.UTF_8));
        if (!ed25519.verify(checkpoint.signature())) {
            return "checkpoint of size " + checkpoint.treeSize() + " is not signed by the audit key";
        }
        if (!Arrays.equals(range.root(), checkpoint.root())) {
            return "events before " + checkpoint.treeSize() + " were rewritten: their root differs from the signed checkpoint";
        }
        return null;
    }

    private static List<Checkpoint> checkpoints(Connection c) throws SQLException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT tree_size, root_hash, issued_at, key_id, statement, signature "
                + "FROM audit_checkpoint ORDER BY tree_size, id"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                checkpoints.add(new Checkpoint(rs.getLong(1), rs.getBytes(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                        rs.getString(4), rs.getString(5), rs.getBytes(6)));
            }
        }
        return checkpoints;
    }

    /** The event as its columns hold it (columns 2 to 20 in the order the verifier and the bundle select them). */
    static AuditEvent rebuild(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getObject(2, UUID.class), rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getBoolean(8), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getString(12), rs.getString(13), rs.getString(14), rs.getObject(15, UUID.class), rs.getObject(16, UUID.class),
                rs.getString(17), rs.getString(18), rs.getString(19), details(rs.getString(20)));
    }

    private static Map<String, String> details(String json) {
        Map<String, String> details = new LinkedHashMap<>();
        try (var reader = JSON.createReader(new StringReader(json))) {
            JsonObject object = reader.readObject();
            object.forEach((name, value) -> details.put(name, value instanceof JsonString s ? s.getString() : value.toString()));
        }
        return details;
    }
}
