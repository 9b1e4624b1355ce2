package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.LocalTransaction;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The append signatures over the audit trail's hash chain ({@link AppendChain}): starting the
 * chain on a trail written before signatures existed, and checking which events the signatures
 * vouch for.
 */
@ApplicationScoped
public class AppendSignatures {

    private static final StructuredLog LOG = StructuredLog.of(AppendSignatures.class);

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @jakarta.inject.Inject
    java.time.Clock clock;

    /**
     * A trail written before append signatures existed has no chain: compute it over every event
     * there is, sign it once as one range, and record that as an audit event, so the verification
     * report and the trail itself say from where on each append was signed as it happened. Runs
     * once; every later start finds the chain in the head row.
     */
    public void startChain(CheckpointSigner signer) {
        try (Connection c = quaestor.getConnection()) {
            Instant now = clock.instant();
            LocalTransaction.in(c, tx -> {
                long next;
                try (PreparedStatement s = tx.prepareStatement("SELECT next_seq, chain FROM audit_head FOR UPDATE");
                     ResultSet rs = s.executeQuery()) {
                    rs.next();
                    next = rs.getLong(1);
                    if (rs.getBytes(2) != null || next == 0) {
                        return null;
                    }
                }
                AppendChain chain = AppendChain.from(null);
                try (PreparedStatement s = tx.prepareStatement("SELECT leaf_hash FROM audit_event WHERE seq < ? ORDER BY seq")) {
                    s.setFetchSize(10_000);
                    s.setLong(1, next);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            chain.append(rs.getBytes(1));
                        }
                    }
                }
                String statement = AppendChain.statement(0, next - 1, chain.value(), signer.keyId());
                try (PreparedStatement s = tx.prepareStatement("""
                        WITH head AS (UPDATE audit_head SET chain = ?)
                        INSERT INTO audit_append_signature (last_seq, first_seq, chain, key_id, statement, signature)
                        VALUES (?, 0, ?, ?, ?, ?)""")) {
                    s.setBytes(1, chain.value());
                    s.setLong(2, next - 1);
                    s.setBytes(3, chain.value());
                    s.setString(4, signer.keyId());
                    s.setString(5, statement);
                    s.setBytes(6, signer.sign(statement.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    s.executeUpdate();
                }
                AuditAppender.append(tx, List.of(new AuditEvent(UUID.randomUUID(), now, "quaestor", null, null, false,
                        "audit.append-chain-started", "audit-trail", null, null, null, null, null, null, "success", null, null,
                        Map.of("signedAtStart", "0-" + (next - 1)))), now, signer);
                LOG.warn("audit.append-chain-started", Map.of("events", next,
                        "effect", "events written before append signatures existed were signed together at this start"));
                return null;
            });
        } catch (Exception e) {
            throw new IllegalStateException("the audit trail's append chain could not be started", e);
        }
    }

    /** A signature row as stored: the range it covers, the chain value it states, and the signed statement. */
    public record Row(long firstSeq, long lastSeq, byte[] chain, String statement, byte[] signature) {
        public static Row read(ResultSet rs, int firstColumn) throws SQLException {
            long last = rs.getLong(firstColumn + 1);
            if (rs.wasNull()) {
                return null;
            }
            return new Row(rs.getLong(firstColumn), last, rs.getBytes(firstColumn + 2), rs.getString(firstColumn + 3),
                    rs.getBytes(firstColumn + 4));
        }
    }

    /** The columns {@link Row#read} expects, for a join {@code LEFT JOIN audit_append_signature s ON s.last_seq = e.seq}. */
    public static final String ROW_COLUMNS = "s.first_seq, s.last_seq, s.chain, s.statement, s.signature";

    /**
     * Follows the chain over leaves in sequence order and tells how far the signatures vouch for
     * them: every stated chain value must equal the recomputed one, and the last signature must
     * verify under the audit key (it then vouches for everything before it too).
     */
    public static final class Coverage {
        /** How many recent signatures are kept to fall back on when the last does not verify. */
        private static final int KEPT = 10_000;

        private final PublicKey key;
        private final AppendChain chain;
        private final long startSeq;
        private final java.util.ArrayDeque<Row> matching = new java.util.ArrayDeque<>();
        private long rangeStart;
        private Long broken;

        public Coverage(PublicKey key, long startSeq, byte[] startChain) {
            this.key = key;
            this.chain = AppendChain.from(startChain);
            this.startSeq = startSeq;
            this.rangeStart = startSeq;
        }

        public void leaf(long seq, byte[] leaf, Row signature) {
            chain.append(leaf);
            if (signature == null || broken != null) {
                return;
            }
            if (signature.firstSeq() == rangeStart && chain.is(signature.chain())) {
                if (matching.size() == KEPT) {
                    matching.removeFirst();
                }
                matching.addLast(signature);
            } else {
                broken = rangeStart;
            }
            rangeStart = seq + 1;
        }

        /**
         * The first sequence number the signatures do not vouch for (every event before it is
         * vouched for), or {@code end} when all are. The newest signature whose chain matches is
         * verified; should it fail, older ones are tried, newest first.
         */
        public long vouchedUntil(long end) throws GeneralSecurityException {
            long limit = broken != null ? broken : rangeStart;
            while (!matching.isEmpty()) {
                Row newest = matching.removeLast();
                if (AppendChain.vouches(key, newest.firstSeq(), newest.lastSeq(), newest.chain(), newest.statement(), newest.signature())) {
                    return Math.min(Math.min(limit, newest.lastSeq() + 1), end);
                }
                limit = newest.firstSeq();
            }
            return Math.min(startSeq, end);
        }
    }
}
