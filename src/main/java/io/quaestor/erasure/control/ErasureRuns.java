package io.quaestor.erasure.control;

import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The erasure_run rows: where each erasure stands. Every step is its own committed transaction, so
 * that after a crash the next attempt knows exactly which step to take.
 */
@ApplicationScoped
public class ErasureRuns {

    /** STARTED (holds checked, keys being revoked), APPLYING (store transaction about to commit), APPLIED, CERTIFIED, UNVERIFIED. */
    public record Run(UUID id, UUID requestId, String cause, String subjectPseudonym, String tenant, String state,
                      String dataMapVersion, byte[] sealedIdentifiers, String planned, String applied, String scan, int attempts,
                      String startedBy, Instant startedAt, Instant finishedAt, String lastError, Instant lastErrorAt,
                      String finishedMapVersion, String subjectKind) {
    }

    private static final String COLUMNS = "id, request_id, cause, subject_pseudonym, tenant, state, datamap_version, "
            + "sealed_identifiers, planned, applied, scan, attempts, started_by, started_at, finished_at, subject_kind";
    private static final String READ_COLUMNS = COLUMNS + ", last_error, last_error_at, finished_map_version";

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.MANDATORY)
    public void insert(Run run) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO erasure_run (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, run.id());
            s.setObject(2, run.requestId());
            s.setString(3, run.cause());
            s.setString(4, run.subjectPseudonym());
            s.setString(5, run.tenant());
            s.setString(6, run.state());
            s.setString(7, run.dataMapVersion());
            s.setBytes(8, run.sealedIdentifiers());
            s.setString(9, run.planned());
            s.setString(10, run.applied());
            s.setString(11, run.scan());
            s.setInt(12, run.attempts());
            s.setString(13, run.startedBy());
            s.setObject(14, Timestamps.utc(run.startedAt()));
            s.setObject(15, Timestamps.utc(run.finishedAt()));
            s.setString(16, run.subjectKind());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the erasure run could not be recorded", e);
        }
    }

    /**
     * Records that the store's transaction is about to commit, with what it did; committed at once.
     * Deliberately not a JTA transaction: it runs while the store's connection is open on this
     * thread, and a transaction begun now would enlist that connection too.
     */
    public void applying(UUID id, String applied) {
        update(id, "UPDATE erasure_run SET state = 'APPLYING', applied = ?, attempts = attempts + 1 WHERE id = ?", applied);
    }

    /** The store's transaction committed: these are the counts it did, added to any earlier attempt's. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void applied(UUID id, String applied) {
        update(id, "UPDATE erasure_run SET state = 'APPLIED', applied = ? WHERE id = ?", applied);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void unverified(UUID id, String scan) {
        update(id, "UPDATE erasure_run SET state = 'UNVERIFIED', scan = ? WHERE id = ?", scan);
    }

    /** The last step: the certificate is written in the same transaction, and the sealed identifiers are destroyed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void certified(UUID id, String scan) {
        update(id, "UPDATE erasure_run SET state = 'CERTIFIED', scan = ?, sealed_identifiers = NULL, finished_at = ? WHERE id = ?",
                scan, Timestamps.utc(clock.instant()));
    }

    /** The request's runs, one per kind of subject, in the order they started. */
    public List<Run> byRequest(UUID requestId) {
        return all("SELECT " + READ_COLUMNS + " FROM erasure_run WHERE request_id = ? ORDER BY started_at, id", requestId);
    }

    /** The request's run for one kind of subject ({@code null}: the map's first kind, as runs before kinds were). */
    public Optional<Run> byRequest(UUID requestId, String kind) {
        return byRequest(requestId).stream().filter(r -> java.util.Objects.equals(r.subjectKind(), kind)).findFirst();
    }

    public Optional<Run> byId(UUID id) {
        return one("SELECT " + READ_COLUMNS + " FROM erasure_run WHERE id = ?", id);
    }

    /** The run goes on under a newer data map than it started with: the new version and the plan made against it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void replanned(UUID id, String version, String planned) {
        update(id, "UPDATE erasure_run SET finished_map_version = ?, planned = ? WHERE id = ?", version, planned);
    }

    /** Why the last attempt failed, without values; committed at once, whatever happens to the caller's work. */
    public void failed(UUID id, String cause) {
        update(id, "UPDATE erasure_run SET last_error = ?, last_error_at = ? WHERE id = ?", cause, Timestamps.utc(clock.instant()));
    }

    private Optional<Run> one(String sql, UUID id) {
        return all(sql, id).stream().findFirst();
    }

    private List<Run> all(String sql, UUID id) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                List<Run> runs = new java.util.ArrayList<>();
                while (rs.next()) {
                    runs.add(new Run(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getBytes(8), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getInt(12), rs.getString(13), Timestamps.instant(rs, 14), Timestamps.instant(rs, 15),
                            rs.getString(17), Timestamps.instant(rs, 18), rs.getString(19), rs.getString(16)));
                }
                return runs;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the erasure run could not be read", e);
        }
    }

    /** Runs an update of one run: the values bound in order, then the run's id. */
    private void update(UUID id, String sql, Object... values) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    s.setNull(i + 1, java.sql.Types.VARCHAR);
                } else {
                    s.setObject(i + 1, values[i]);
                }
            }
            s.setObject(values.length + 1, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the erasure run could not be updated", e);
        }
    }


}
