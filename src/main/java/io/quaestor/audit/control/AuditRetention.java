package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.platform.http.RequestIds;
import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The audit trail's own retention: the newest {@code quaestor.audit.retention.online} (default 90
 * days) stay searchable in the database; older payloads move to {@code quaestor.audit.archive-dir};
 * archives older than {@code quaestor.audit.retention.total} (default 365 days) are deleted. Each
 * step is itself an audit event. One instance works at a time (a transaction-scoped advisory lock).
 */
@ApplicationScoped
public class AuditRetention {

    private static final StructuredLog LOG = StructuredLog.of(AuditRetention.class);
    /** Distinct from the sealer's lock key. */
    private static final long LOCK = 0x5155_4145_5254_4e01L;

    public record Run(boolean ran, Instant onlineCutoff, Instant totalCutoff, AuditArchiver.Archived archived,
                      List<AuditArchiver.Archived> purged) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    AuditLog log;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.audit.retention.online", defaultValue = "P90D")
    Duration online;

    @Inject
    @ConfigProperty(name = "quaestor.audit.retention.total", defaultValue = "P365D")
    Duration total;

    @Inject
    @ConfigProperty(name = "quaestor.audit.archive-dir")
    Optional<String> archiveDir;

    /** How long an event is kept in all (online, then archived) before it is deleted. */
    public Duration totalRetention() {
        return total;
    }

    public boolean configured() {
        return archiveDir.isPresent();
    }

    /** Archives what left the online period; an empty run when another instance holds the lock. */
    @Transactional
    public Run archive(Caller by) {
        Path dir = Path.of(archiveDir.orElseThrow(() -> new StateConflictException(
                "No archive directory is configured (quaestor.audit.archive-dir), so audit payloads stay online.")));
        if (online.compareTo(total) > 0) {
            throw new IllegalStateException("quaestor.audit.retention.online must not exceed quaestor.audit.retention.total");
        }
        Instant now = clock.instant();
        Instant onlineCutoff = now.minus(online);
        try (Connection c = quaestor.getConnection()) {
            if (!lock(c)) {
                return new Run(false, onlineCutoff, now.minus(total), null, List.of());
            }
            Optional<AuditArchiver.Archived> archived = AuditArchiver.archive(c, dir, onlineCutoff);
            archived.ifPresent(a -> record(by, "audit.payloads-archived", a, onlineCutoff));
            return new Run(true, onlineCutoff, now.minus(total), archived.orElse(null), List.of());
        } catch (SQLException e) {
            throw new IllegalStateException("the audit archive run failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException("the audit archive could not be written", e);
        }
    }

    /** Deletes archives wholly past total retention, recording each deletion. */
    @Transactional
    public List<AuditArchiver.Archived> purgeArchives(Caller by) {
        Instant totalCutoff = clock.instant().minus(total);
        try {
            List<AuditArchiver.Archived> purged = AuditArchiver.purge(Path.of(archiveDir.orElseThrow()), totalCutoff);
            purged.forEach(a -> record(by, "audit.archive-purged", a, totalCutoff));
            return purged;
        } catch (IOException e) {
            throw new UncheckedIOException("the audit archive could not be purged", e);
        }
    }

    /** Both steps, for the schedule and for an administrator's explicit run. */
    public Run run(Caller by) {
        Run archived = archive(by);
        List<AuditArchiver.Archived> purged = archived.ran() ? purgeArchives(by) : List.of();
        if (archived.archived() != null || !purged.isEmpty()) {
            LOG.info("audit.retention.ran", Map.of("archivedEvents", archived.archived() == null ? 0 : archived.archived().events(),
                    "purgedArchives", purged.size()));
        }
        return new Run(archived.ran(), archived.onlineCutoff(), archived.totalCutoff(), archived.archived(), purged);
    }

    private void record(Caller by, String action, AuditArchiver.Archived archive, Instant cutoff) {
        Map<String, String> details = new TreeMap<>();
        details.put("file", archive.file());
        details.put("sha256", archive.sha256());
        details.put("events", Long.toString(archive.events()));
        details.put("firstSeq", Long.toString(archive.firstSeq()));
        details.put("lastSeq", Long.toString(archive.lastSeq()));
        details.put("cutoff", cutoff.toString());
        log.append(new AuditEvent(UUID.randomUUID(), clock.instant(), by == null ? "quaestor" : by.userId().toString(),
                by == null ? null : by.roleList(), by == null ? "SCHEDULE" : by.method().name(), false, action,
                "audit-trail", archive.file(), null, null, null, null, null, "success", null,
                RequestIds.current().orElse(null), details));
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
