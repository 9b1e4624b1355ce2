package io.quaestor.audit.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inclusion and consistency proofs, always against signed checkpoints, so that a proof can be
 * checked with the public key alone. Leaf hashes are loaded up to the checkpoint's size (32 bytes
 * each); a store of interior nodes will replace that when trails reach tens of millions.
 * Reading a proof is a read of the audit trail, and so is audited.
 */
@ApplicationScoped
public class TrailProofs {

    /** A signed checkpoint as the API shows it: the statement and its signature. */
    public record SignedCheckpoint(long treeSize, String statement, String signature) {
    }

    public record InclusionProof(long seq, String leafHash, List<String> path, SignedCheckpoint checkpoint) {
    }

    public record ConsistencyProof(List<String> path, SignedCheckpoint from, SignedCheckpoint to) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    AuditLog log;

    @Transactional
    public InclusionProof inclusion(long seq, Long treeSize, Caller caller, String origin) {
        try (Connection c = quaestor.getConnection()) {
            SignedCheckpoint checkpoint = checkpoint(c, treeSize)
                    .orElseThrow(() -> new NotFoundException("No signed checkpoint has that tree size yet."));
            if (seq < 0 || seq >= checkpoint.treeSize()) {
                throw new InvalidInputException("seq", "The event is not in the tree of size " + checkpoint.treeSize() + ".");
            }
            List<byte[]> leaves = leaves(c, checkpoint.treeSize());
            List<String> path = hex(MerkleTree.inclusionProof(leaves, (int) seq, leaves.size()));
            log.appendTrailRead(caller, origin, "audit.proof-read", Map.of("kind", "inclusion", "seq", Long.toString(seq)));
            return new InclusionProof(seq, HexFormat.of().formatHex(leaves.get((int) seq)), path, checkpoint);
        } catch (SQLException e) {
            throw new IllegalStateException("the audit trail could not be read", e);
        }
    }

    @Transactional
    public ConsistencyProof consistency(long from, long to, Caller caller, String origin) {
        if (from > to) {
            throw new InvalidInputException("from", "from must not be larger than to.");
        }
        try (Connection c = quaestor.getConnection()) {
            SignedCheckpoint first = checkpoint(c, from).orElseThrow(() -> new InvalidInputException("from",
                    "from must be the size of a signed checkpoint."));
            SignedCheckpoint second = checkpoint(c, to).orElseThrow(() -> new InvalidInputException("to",
                    "to must be the size of a signed checkpoint."));
            List<byte[]> leaves = leaves(c, to);
            List<String> path = hex(MerkleTree.consistencyProof(leaves, (int) from, (int) to));
            log.appendTrailRead(caller, origin, "audit.proof-read", Map.of("kind", "consistency", "from", Long.toString(from), "to", Long.toString(to)));
            return new ConsistencyProof(path, first, second);
        } catch (SQLException e) {
            throw new IllegalStateException("the audit trail could not be read", e);
        }
    }

    /** Proofs of several events against the latest checkpoint; events not yet sealed into it have none. */
    public record Proofs(SignedCheckpoint checkpoint, Map<Long, List<String>> paths) {
    }

    /** For callers that audit the read themselves (the access-transparency feed). */
    public Proofs inclusionProofs(Collection<Long> seqs) {
        try (Connection c = quaestor.getConnection()) {
            Optional<SignedCheckpoint> latest = checkpoint(c, null);
            if (latest.isEmpty()) {
                return new Proofs(null, Map.of());
            }
            long size = latest.get().treeSize();
            List<byte[]> leaves = seqs.stream().anyMatch(seq -> seq < size) ? leaves(c, size) : List.of();
            Map<Long, List<String>> paths = new java.util.TreeMap<>();
            seqs.stream().filter(seq -> seq < size)
                    .forEach(seq -> paths.put(seq, hex(MerkleTree.inclusionProof(leaves, seq.intValue(), leaves.size()))));
            return new Proofs(latest.get(), paths);
        } catch (SQLException e) {
            throw new IllegalStateException("the audit trail could not be read", e);
        }
    }

    /** The latest checkpoint of this size, or the latest of all when no size is asked for. */
    /** The newest signed checkpoints, newest first: what an auditor checks consistency between. */
    @Transactional
    public List<SignedCheckpoint> latest(int limit, Caller caller, String origin) {
        List<SignedCheckpoint> checkpoints = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT tree_size, statement, signature FROM audit_checkpoint ORDER BY id DESC LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    checkpoints.add(new SignedCheckpoint(rs.getLong(1), rs.getString(2), Base64.getEncoder().encodeToString(rs.getBytes(3))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the audit trail could not be read", e);
        }
        log.appendTrailRead(caller, origin, "audit.proof-read", Map.of("kind", "checkpoints", "returned", Integer.toString(checkpoints.size())));
        return checkpoints;
    }

    private static Optional<SignedCheckpoint> checkpoint(Connection c, Long treeSize) throws SQLException {
        String sql = "SELECT tree_size, statement, signature FROM audit_checkpoint"
                + (treeSize == null ? "" : " WHERE tree_size = ?") + " ORDER BY id DESC LIMIT 1";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (treeSize != null) {
                s.setLong(1, treeSize);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new SignedCheckpoint(rs.getLong(1), rs.getString(2),
                        Base64.getEncoder().encodeToString(rs.getBytes(3)))) : Optional.empty();
            }
        }
    }

    private static List<byte[]> leaves(Connection c, long size) throws SQLException {
        List<byte[]> leaves = new ArrayList<>((int) size);
        try (PreparedStatement s = c.prepareStatement("SELECT leaf_hash FROM audit_event WHERE seq < ? ORDER BY seq")) {
            s.setFetchSize(10_000);
            s.setLong(1, size);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    leaves.add(rs.getBytes(1));
                }
            }
        }
        return leaves;
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HexFormat.of()::formatHex).toList();
    }

}
