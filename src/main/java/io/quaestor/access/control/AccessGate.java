package io.quaestor.access.control;

import io.quaestor.access.entity.AccessGrant;
import io.quaestor.access.entity.GrantStatus;
import io.quaestor.access.entity.JustificationCode;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.datamap.control.SubjectFinder;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectIdentifier;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.AccessDeniedException;
import io.quaestor.platform.problem.InvalidInputException;
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
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The only way an operator sees customer data. A look is checked against the operator's grant
 * (active, theirs, in scope) and their standing; refused looks are recorded and return nothing.
 * An allowed look reads the rows, then, in one transaction, checks the grant again under a lock
 * and appends the audit event; the rows are handed back only after that transaction commits, so
 * data never leaves without its record (fail closed).
 */
@ApplicationScoped
public class AccessGate {

    /** One event per subject seen; an organization-wide look is bounded so its record stays readable. */
    static final int MAX_SUBJECTS = 100;

    /** What the operator asks to see. {@code categories} empty means all the grant covers. */
    public record Lookup(UUID grantId, SubjectIdentifier identifier, Set<String> categories, int limitPerTable) {
    }

    public record Column(String name, String label) {
    }

    public record TableRows(String table, String category, List<Column> columns, List<List<Object>> rows, boolean truncated) {
    }

    public record Subject(String accountId, String pseudonym) {
    }

    public record Result(UUID grantId, List<Subject> subjects, List<TableRows> tables, List<UUID> auditEvents) {
    }

    /**
     * The result, and where the time went: in the gate (checks, audit event, commit), in resolving
     * the subject and reading the rows, and of the gate's share, in releasing (re-check, event, commit).
     */
    public record Timed(Result result, long gateNanos, long readNanos, long releaseNanos) {
    }

    /** The grant and its holder's standing in one round trip: parameters are the caller's id, then the grant's. */
    private static final String GRANT_AND_STANDING = """
            SELECT %s AS certified_since,
                   g.requester_id, g.justification_code, g.justification_reference, g.tenant, g.account_id,
                   g.duration_seconds, g.break_glass, g.status, g.approval_deadline, g.expires_at, g.approval_id,
                   ARRAY(SELECT c.category FROM access_grant_category c WHERE c.grant_id = g.id) AS categories
            FROM access_grant g WHERE g.id = ?""".formatted(Recertifications.CERTIFIED_SINCE_OF_PARAMETER);

    /** What the gate checks first, read together; a lookup pays for one connection and one round trip for it. */
    private record GrantAndStanding(AccessGrant grant, Instant certifiedSince) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    SubjectFinder finder;

    @Inject
    AccessGrants grants;

    @Inject
    AccessAudit audit;

    @Inject
    AuditLog log;

    @Inject
    Recertifications recertifications;

    @Inject
    AccessGate self;

    @Inject
    Clock clock;

    public Timed lookup(Lookup lookup, Caller caller) {
        long start = System.nanoTime();
        GrantAndStanding held = grantAndStanding(lookup.grantId(), caller.userId());
        AccessGrant grant = held == null ? null : held.grant();
        if (grant == null || !grant.getRequesterId().equals(caller.userId())) {
            throw deny(caller, null, lookup, "no-such-grant", "You hold no grant with this id.");
        }
        Set<String> categories = lookup.categories().isEmpty() ? grant.getCategories() : lookup.categories();
        checkGrant(grant, categories, lookup, caller);
        grants.requireStanding(caller, "customer-data.read", grant, recertifications.lapsed(held.certifiedSince()));
        long readStart = System.nanoTime();
        SubjectRows rows = finder.rows();
        List<Object> keys;
        Map<String, java.util.Set<String>> tenants;
        try {
            keys = rows.resolve(lookup.identifier());
            tenants = rows.tenantSetsOf(keys);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("the subject could not be resolved", e);
        }
        if (keys.size() > MAX_SUBJECTS) {
            throw new InvalidInputException("value", "This identifier matches more than " + MAX_SUBJECTS
                    + " accounts; look them up one account at a time.");
        }
        checkSubjects(grant, keys, tenants, lookup, caller);
        List<TableRows> tables = read(rows, keys, categories, lookup.limitPerTable());
        long readNanos = System.nanoTime() - readStart;
        long releaseStart = System.nanoTime();
        List<UUID> events = self.release(grant, keys, tables, categories, caller);
        long releaseNanos = System.nanoTime() - releaseStart;
        List<Subject> subjects = keys.stream()
                .map(k -> new Subject(k.toString(), audit.accountPseudonym(grant.getTenant(), k.toString()))).toList();
        long total = System.nanoTime() - start;
        return new Timed(new Result(grant.getId(), subjects, tables, events), total - readNanos, readNanos, releaseNanos);
    }

    /** Re-checks the grant under a lock and queues the read's events; nothing is returned unless this commits. */
    @Transactional
    public List<UUID> release(AccessGrant grant, List<Object> keys, List<TableRows> tables, Set<String> categories, Caller caller) {
        Map<String, String> details = new TreeMap<>();
        details.put("categories", String.join(",", new TreeSet<>(categories)));
        tables.forEach(t -> details.put("rows." + t.table(), Integer.toString(t.rows().size())));
        List<AuditEvent> events = new ArrayList<>();
        if (keys.isEmpty()) {
            details.put("subjects", "0");
            events.add(audit.readEvent(caller, grant, null, details));
        }
        for (Object key : keys) {
            events.add(audit.readEvent(caller, grant, key.toString(), details));
        }
        try (Connection c = quaestor.getConnection()) {
            // The grant is locked against revocation until this transaction ends, checked and the events queued in one statement.
            if (!log.appendIf(c, STILL_ACTIVE, s -> {
                s.setObject(1, grant.getId());
                s.setObject(2, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                return 2;
            }, events)) {
                throw new AccessDeniedException("grant-not-active", "The grant ended while the data was being read.");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the read could not be released", e);
        }
        return events.stream().map(AuditEvent::eventId).toList();
    }

    /** The grant is still active now; locks it against revocation until the transaction ends. */
    private static final String STILL_ACTIVE = "SELECT 1 FROM access_grant WHERE id = ? AND status = 'ACTIVE' AND expires_at > ? FOR SHARE";

    /** The grant as stored and the caller's standing, or null when there is no such grant. */
    private GrantAndStanding grantAndStanding(UUID grantId, UUID callerId) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(GRANT_AND_STANDING)) {
            s.setObject(1, callerId);
            s.setObject(2, grantId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Set<String> categories = new TreeSet<>(Arrays.asList((String[]) rs.getArray("categories").getArray()));
                // getObject(column) rather than getObject(column, UUID.class): the pool's wrapper finds the latter by reflection
                AccessGrant.Request scope = new AccessGrant.Request((UUID) rs.getObject("requester_id"),
                        JustificationCode.valueOf(rs.getString("justification_code")), rs.getString("justification_reference"),
                        rs.getString("tenant"), rs.getString("account_id"), categories,
                        Duration.ofSeconds(rs.getInt("duration_seconds")), rs.getBoolean("break_glass"));
                AccessGrant grant = AccessGrant.readOnly(grantId, scope, GrantStatus.valueOf(rs.getString("status")),
                        instant(rs.getTimestamp("approval_deadline")), instant(rs.getTimestamp("expires_at")),
                        (UUID) rs.getObject("approval_id"));
                return new GrantAndStanding(grant, instant(rs.getTimestamp("certified_since")));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the grant could not be read", e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private void checkGrant(AccessGrant grant, Set<String> categories, Lookup lookup, Caller caller) {
        GrantStatus status = grant.statusAt(clock.instant());
        if (status != GrantStatus.ACTIVE) {
            throw deny(caller, grant, lookup, "grant-" + status.name().toLowerCase(java.util.Locale.ROOT),
                    switch (status) {
                        case PENDING -> "The grant is waiting for approval.";
                        case EXPIRED -> "The grant expired at " + grant.getExpiresAt() + ".";
                        case LAPSED -> "The grant request lapsed unanswered.";
                        case REJECTED -> "The grant was rejected.";
                        default -> "The grant was revoked.";
                    });
        }
        Set<String> outside = new TreeSet<>(categories);
        outside.removeAll(grant.getCategories());
        if (!outside.isEmpty()) {
            throw deny(caller, grant, lookup, "category-out-of-scope",
                    "The grant does not cover the categories " + String.join(", ", outside) + ".");
        }
    }

    /** Every subject must be in the grant's tenant, at home or by membership (a grant for a team covers its members). */
    private void checkSubjects(AccessGrant grant, List<Object> keys, Map<String, java.util.Set<String>> tenants, Lookup lookup,
                               Caller caller) {
        boolean otherTenant = keys.stream().anyMatch(k -> !tenants.getOrDefault(k.toString(), java.util.Set.of()).contains(grant.getTenant()));
        boolean otherAccount = grant.getAccountId() != null
                && keys.stream().anyMatch(k -> !grant.getAccountId().equalsIgnoreCase(k.toString()));
        if (otherTenant || otherAccount) {
            throw deny(caller, grant, lookup, otherTenant ? "tenant-out-of-scope" : "account-out-of-scope",
                    "This subject is outside the grant's scope.");
        }
    }

    private List<TableRows> read(SubjectRows rows, List<Object> keys, Set<String> categories, int limit) {
        Map<String, TableRows> tables = new LinkedHashMap<>();
        try {
            rows.stream(keys, t -> categories.contains(t.category()), limit + 1, (table, values) -> {
                TableRows target = tables.computeIfAbsent(table.name(), n -> new TableRows(n, table.category(),
                        columns(table), new ArrayList<>(), false));
                target.rows().add(cells(values));
            });
        } catch (Exception e) {
            throw new IllegalStateException("the subject's rows could not be read", e);
        }
        return tables.values().stream().map(t -> t.rows().size() > limit
                ? new TableRows(t.table(), t.category(), t.columns(), t.rows().subList(0, limit), true) : t).toList();
    }

    private AccessDeniedException deny(Caller caller, AccessGrant grant, Lookup lookup, String reason, String detail) {
        Map<String, String> details = new TreeMap<>();
        details.put("identifierKind", lookup.identifier().kind());
        if (!lookup.categories().isEmpty()) {
            details.put("categories", String.join(",", new TreeSet<>(lookup.categories())));
        }
        audit.denied(caller, "customer-data.read", "subject", null, grant, reason, details);
        return new AccessDeniedException(reason, detail);
    }

    private static List<Column> columns(DataMap.MappedTable table) {
        return table.columns().stream().filter(DataMap.MappedColumn::export).map(c -> new Column(c.name(), c.label())).toList();
    }

    /** JSON-friendly cells: numbers and booleans as they are, instants in UTC, everything else as text. */
    private static List<Object> cells(Object[] values) {
        List<Object> cells = new ArrayList<>(values.length);
        for (Object v : values) {
            cells.add(v == null || v instanceof Number || v instanceof Boolean ? v
                    : v instanceof Timestamp t ? t.toInstant().toString()
                    : v instanceof OffsetDateTime o ? o.toInstant().toString() : v.toString());
        }
        return cells;
    }
}
