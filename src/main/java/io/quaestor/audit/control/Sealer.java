package io.quaestor.audit.control;

import io.quaestor.platform.logging.StructuredLog;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One seal: extends the tree from the last checkpoint's compact range with the leaves appended
 * since, and writes a signed checkpoint when the tree grew or the heartbeat is due. Runs inside
 * the caller's transaction, under a transaction-scoped advisory lock, so only one instance of
 * Quaestor seals at a time; another that tries meanwhile simply does nothing.
 */
public final class Sealer {

    /** The advisory lock key: "QSTRSEAL" as a number. */
    static final long LOCK = 0x5153545253454131L;

    private static final StructuredLog LOG = StructuredLog.of(Sealer.class);

    /** A written checkpoint. */
    public record Checkpoint(long treeSize, byte[] root, Instant issuedAt, String statement, byte[] signature) {
    }

    private Sealer() {
    }

    public static Optional<Checkpoint> sealOnce(Connection c, CheckpointSigner signer, Instant now, Duration heartbeat)
            throws SQLException, GeneralSecurityException {
        return sealOnce(c, signer, now, heartbeat, Duration.ZERO);
    }

    /**
     * @param interval the least time between two checkpoints: sequencing runs several times a
     *                 second, and a checkpoint per pass would only grow the checkpoint table
     */
    public static Optional<Checkpoint> sealOnce(Connection c, CheckpointSigner signer, Instant now, Duration heartbeat,
                                                Duration interval) throws SQLException, GeneralSecurityException {
        if (!lock(c)) {
            return Optional.empty();
        }
        CompactRange range = CompactRange.empty();
        Instant lastIssued = null;
        try (PreparedStatement last = c.prepareStatement(
                "SELECT tree_size, edge, issued_at FROM audit_checkpoint ORDER BY id DESC LIMIT 1");
             ResultSet rs = last.executeQuery()) {
            if (rs.next()) {
                range = CompactRange.of(rs.getLong(1), rs.getBytes(2));
                lastIssued = rs.getObject(3, OffsetDateTime.class).toInstant();
            }
        }
        if (lastIssued != null && now.isBefore(lastIssued.plus(interval))) {
            return Optional.empty();
        }
        long before = range.size();
        extendWithVouchedLeaves(c, range, signer);
        boolean heartbeatDue = lastIssued == null || !now.isBefore(lastIssued.plus(heartbeat));
        if (range.size() == before && !heartbeatDue) {
            return Optional.empty();
        }
        Instant issuedAt = now.truncatedTo(ChronoUnit.MILLIS);
        byte[] root = range.root();
        String statement = CheckpointSigner.statement(range.size(), root, issuedAt, signer.keyId());
        byte[] signature = signer.sign(statement.getBytes(StandardCharsets.UTF_8));
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_checkpoint "
                + "(tree_size, root_hash, edge, issued_at, key_id, statement, signature) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, range.size());
            insert.setBytes(2, root);
            insert.setBytes(3, range.edgeBytes());
            insert.setObject(4, OffsetDateTime.ofInstant(issuedAt, ZoneOffset.UTC));
            insert.setString(5, signer.keyId());
            insert.setString(6, statement);
            insert.setBytes(7, signature);
            insert.executeUpdate();
        }
        return Optional.of(new Checkpoint(range.size(), root, issuedAt, statement, signature));
    }

    /**
     * Appends to the range the leaves after it that the append signatures vouch for, and no
     * further: an event that a database superuser inserted behind Quaestor's back, however
     * consistent its record and leaf hash, is never sealed.
     */
    private static void extendWithVouchedLeaves(Connection c, CompactRange range, CheckpointSigner signer)
            throws SQLException, GeneralSecurityException {
        long before = range.size();
        long chainStart = 0;
        byte[] startChain = null;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT last_seq, chain FROM audit_append_signature WHERE last_seq < ? ORDER BY last_seq DESC LIMIT 1")) {
            s.setLong(1, before);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    chainStart = rs.getLong(1) + 1;
                    startChain = rs.getBytes(2);
                }
            }
        }
        AppendSignatures.Coverage coverage = new AppendSignatures.Coverage(signer.publicKey(), chainStart, startChain);
        List<byte[]> fresh = new ArrayList<>();
        long next = chainStart;
        try (PreparedStatement leaves = c.prepareStatement("SELECT e.seq, e.leaf_hash, " + AppendSignatures.ROW_COLUMNS
                + " FROM audit_event e LEFT JOIN audit_append_signature s ON s.last_seq = e.seq WHERE e.seq >= ? ORDER BY e.seq")) {
            leaves.setFetchSize(10_000);
            leaves.setLong(1, chainStart);
            try (ResultSet rs = leaves.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    if (seq != next) {
                        throw new SQLException("the audit sequence has a gap at " + next);
                    }
                    coverage.leaf(seq, rs.getBytes(2), AppendSignatures.Row.read(rs, 3));
                    if (seq >= before) {
                        fresh.add(rs.getBytes(2));
                    }
                    next++;
                }
            }
        }
        long vouched = coverage.vouchedUntil(next);
        for (int i = 0; before + i < vouched && i < fresh.size(); i++) {
            range.append(fresh.get(i));
        }
        if (vouched < next) {
            LOG.warn("audit.unvouched-events", Map.of("firstSeq", vouched, "events", next - vouched,
                    "effect", "not sealed: no valid append signature covers them; verify the trail"));
        }
    }

    private static boolean lock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            s.setLong(1, LOCK);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
