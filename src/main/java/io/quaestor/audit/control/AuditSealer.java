package io.quaestor.audit.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.LocalTransaction;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The sealing side of the trail: sequencing pending events and writing checkpoints, each pass in
 * one local transaction under the sealing advisory lock, so that only one instance of Quaestor
 * does it at a time. Never joins a caller's transaction: what it sequences must be committed.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.NOT_SUPPORTED)
public class AuditSealer {

    /** Events per sequencing round (one statement, one append signature). */
    static final int ROUND = 5_000;
    /** Rounds per pass, so that one pass's transaction stays short under a flood. */
    static final int ROUNDS_PER_PASS = 4;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    @Inject
    AuditKeys keys;

    @Inject
    @ConfigProperty(name = "quaestor.audit.heartbeat-seconds", defaultValue = "60")
    long heartbeatSeconds;

    @Inject
    @ConfigProperty(name = "quaestor.audit.checkpoint-interval-ms", defaultValue = "1000")
    long checkpointIntervalMillis;

    /** What a pass did: events sequenced, rows set aside, and the checkpoint written, if any. */
    public record Pass(int sequenced, int rejected, boolean backlog, Optional<Sealer.Checkpoint> checkpoint) {
        static final Pass SKIPPED = new Pass(0, 0, false, Optional.empty());
    }

    /**
     * The background pass: if no other instance is sealing, sequences what is pending and writes a
     * checkpoint when the tree grew and the checkpoint interval passed, or the heartbeat is due.
     */
    public Pass sealNow() {
        return pass(false, true);
    }

    /**
     * Read-your-writes for the trail's readers: sequences every event committed before this call
     * (waiting for a pass under way, if need be), so a query that follows sees them with their
     * seq. Costs one indexed query when nothing is pending.
     */
    public void catchUp() {
        long upTo = newestPending();
        // Bounded by what was pending at the call: a reader never chases a flood that began after it.
        while (upTo >= 0 && pendingUpTo(upTo)) {
            pass(true, false);
        }
    }

    private long newestPending() {
        try (Connection c = quaestor.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(id), -1) FROM audit_pending")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("the audit queue could not be read", e);
        }
    }

    private boolean pendingUpTo(long id) {
        try (Connection c = quaestor.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM audit_pending WHERE id <= ?)")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the audit queue could not be read", e);
        }
    }

    private Pass pass(boolean waitForLock, boolean checkpoint) {
        CheckpointSigner signer = keys.signer().orElse(null);
        try (Connection c = quaestor.getConnection()) {
            return LocalTransaction.in(c, tx -> {
                if (!lock(tx, waitForLock)) {
                    return Pass.SKIPPED;
                }
                try (Statement memory = tx.createStatement()) {
                    // A round sorts up to ROUND canonical forms by provisional id: keep that sort in memory.
                    memory.execute("SET LOCAL work_mem = '32MB'");
                }
                int sequenced = 0;
                int rejected = 0;
                boolean full = false;
                for (int round = 0; round < ROUNDS_PER_PASS; round++) {
                    AuditSequencer.Round done = AuditSequencer.sequenceOnce(tx, signer, ROUND, clock.instant());
                    sequenced += done.sequenced();
                    rejected += done.rejected();
                    full = done.sequenced() + done.rejected() == ROUND;
                    if (!full) {
                        break;
                    }
                }
                Optional<Sealer.Checkpoint> written = checkpoint && signer != null
                        ? Sealer.sealOnce(tx, signer, clock.instant(), Duration.ofSeconds(heartbeatSeconds),
                        Duration.ofMillis(checkpointIntervalMillis))
                        : Optional.empty();
                return new Pass(sequenced, rejected, full, written);
            });
        } catch (Exception e) {
            throw new IllegalStateException("the audit trail could not be sealed", e);
        }
    }

    private static boolean lock(Connection c, boolean wait) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(wait ? "SELECT true FROM pg_advisory_xact_lock(?)"
                : "SELECT pg_try_advisory_xact_lock(?)")) {
            s.setLong(1, Sealer.LOCK);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
