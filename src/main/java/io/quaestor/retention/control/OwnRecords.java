package io.quaestor.retention.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Timestamps;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Quaestor's own records under their own retention schedule: what each line keeps, for how long
 * ({@code quaestor.housekeeping.<line>}, an ISO period), from which clock, and what happens at the
 * end (deleted, or reduced to a minimal record). The housekeeping job applies the lines; the
 * documents publish them; the promise check measures them.
 *
 * <p>Every line respects legal holds inside the statement that selects its rows: a category hold
 * named after the line, an account hold over the request's account, a tenant hold over an
 * incident's tenants. Rows are taken in chunks, each chunk one transaction, so a run that stops
 * leaves every row either untouched or fully reduced.
 */
@ApplicationScoped
public class OwnRecords {

    /** One line of the schedule. {@code base} selects the rows due at the cutoff ({@code ?}), with {@code %s} for the hold test. */
    public enum Line {
        VERIFICATION_CODES("verification-codes", "quaestor.dsar_verification", "P30D", "expires_at", Action.DELETE,
                "FROM dsar_verification x JOIN dsar_request r ON r.id = x.request_id WHERE x.expires_at < ?", "x.expires_at", "x.id::text"),
        UNVERIFIED_REQUESTS("unverified-requests", "quaestor.dsar_request", "P90D", "closed_at", Action.MINIMISE,
                "FROM dsar_request r WHERE r.closed_at < ? AND r.minimised_at IS NULL AND (r.status = 'LAPSED' "
                        + "OR (r.status = 'REJECTED' AND r.rejection_ground = 'IDENTITY_NOT_VERIFIED'))", "r.closed_at", "r.reference"),
        CASE_FILES("dsar-case-files", "quaestor.dsar_request", "P3Y", "closed_at", Action.MINIMISE,
                "FROM dsar_request r WHERE r.closed_at < ? AND r.minimised_at IS NULL AND r.status IN ('COMPLETED', 'REJECTED', 'CANCELLED') "
                        + "AND r.rejection_ground IS DISTINCT FROM 'IDENTITY_NOT_VERIFIED'", "r.closed_at", "r.reference"),
        INCIDENT_RECORDS("incident-records", "quaestor.incident", "P5Y", "closed_at", Action.MINIMISE,
                "FROM incident i WHERE i.closed_at < ? AND i.minimised_at IS NULL", "i.closed_at", "i.reference"),
        ESCALATION_LOGS("escalation-logs", "quaestor.escalation_delivery", "P1Y", "closed_at", Action.DELETE,
                "FROM escalation_delivery x JOIN incident i ON i.id = x.incident_id WHERE i.closed_at < ?", "i.closed_at", "x.id::text"),
        UNCONFIRMED_SUBSCRIPTIONS("unconfirmed-subscriptions", "quaestor.document_subscription", "P7D", "created_at", Action.DELETE,
                "FROM document_subscription x WHERE x.confirmed_at IS NULL AND x.created_at < ?", "x.created_at", "x.id::text");

        public final String slug;
        public final String table;
        public final String defaultPeriod;
        public final String clock;
        public final Action action;
        final String base;
        final String clockExpression;
        final String keyExpression;

        Line(String slug, String table, String defaultPeriod, String clock, Action action, String base, String clockExpression,
             String keyExpression) {
            this.slug = slug;
            this.table = table;
            this.defaultPeriod = defaultPeriod;
            this.clock = clock;
            this.action = action;
            this.base = base;
            this.clockExpression = clockExpression;
            this.keyExpression = keyExpression;
        }

        boolean aboutRequests() {
            return base.contains("dsar_request r");
        }

        /** The hold test for this line's rows: a category hold named after the line, and the account or tenants they concern. */
        String holdTest() {
            String subject = aboutRequests() ? "(h.scope = 'ACCOUNT' AND h.scope_value = r.subject_account_id)"
                    : base.contains("incident i") ? "(h.scope = 'TENANT' AND h.scope_value = ANY (string_to_array(replace(i.tenants, ' ', ''), ',')))"
                    : "false";
            return "EXISTS (SELECT 1 FROM legal_hold h WHERE h.released_at IS NULL AND h.starts_at <= ?::timestamptz "
                    + "AND (h.ends_at IS NULL OR h.ends_at > ?::timestamptz) AND ((h.scope = 'CATEGORY' AND h.scope_value = '" + slug + "') OR "
                    + subject + "))";
        }
    }

    public enum Action { DELETE, MINIMISE }

    /** A line as configured now. */
    public record Entry(Line line, Period period) {
        public Instant cutoff(Instant now) {
            return now.atOffset(ZoneOffset.UTC).minus(period).toInstant();
        }
    }

    /** What one line did in one pass: the rows it deleted or reduced, those a hold kept, and a digest of the keys. */
    public record Outcome(Line line, Instant cutoff, long affected, long held, byte[] keysSha256, List<String> references) {
    }

    /** One line's outcome as the housekeeping job recorded it. */
    public record Recorded(long execution, String line, String action, Instant cutoff, long affected, long held, String keysSha256,
                           List<String> references, Instant recordedAt) {
    }

    /** A line as configured now, with its cutoff and how far its oldest due unheld row is overdue (null when none is). */
    public record Status(String line, String table, String period, String clock, String action, Instant cutoff, Long overdueSeconds) {
    }

    private static final int CHUNK = 500;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    /** The schedule as configured; a period that is not an ISO period stops the application at the first use. */
    public List<Entry> schedule() {
        List<Entry> entries = new ArrayList<>();
        for (Line line : Line.values()) {
            String raw = ConfigProvider.getConfig().getOptionalValue("quaestor.housekeeping." + line.slug, String.class).orElse(line.defaultPeriod);
            entries.add(new Entry(line, Period.parse(raw)));
        }
        return entries;
    }

    /** Per line, how long its oldest unheld due row has waited past its cutoff, in seconds; lines with none are absent. */
    public Map<Line, Long> overdue() {
        Instant now = clock.instant();
        Map<Line, Long> overdue = new LinkedHashMap<>();
        try (Connection c = quaestor.getConnection()) {
            for (Entry e : schedule()) {
                Instant cutoff = e.cutoff(now);
                try (PreparedStatement s = c.prepareStatement("SELECT min(" + e.line().clockExpression + ") " + e.line().base
                        + " AND NOT " + e.line().holdTest())) {
                    bind(s, cutoff, now);
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next() && rs.getObject(1) != null) {
                            overdue.put(e.line(), cutoff.getEpochSecond() - Timestamps.instant(rs, 1).getEpochSecond());
                        }
                    }
                }
            }
        } catch (SQLException ex) {
            throw new IllegalStateException("Quaestor's own records could not be measured", ex);
        }
        return overdue;
    }

    public List<Status> status() {
        Instant now = clock.instant();
        Map<Line, Long> overdue = overdue();
        return schedule().stream().map(e -> new Status(e.line().slug, e.line().table, e.period().toString(), e.line().clock,
                e.line().action.name(), e.cutoff(now), overdue.get(e.line()))).toList();
    }

    /** The recorded outcomes of the latest housekeeping runs, newest first. */
    public List<Recorded> recorded(int runs) {
        List<Recorded> found = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT execution_id, line, action, cutoff, affected, held, keys_sha256, reference_list, recorded_at FROM housekeeping_record
                WHERE execution_id IN (SELECT DISTINCT execution_id FROM housekeeping_record ORDER BY execution_id DESC LIMIT ?)
                ORDER BY execution_id DESC, recorded_at, line""")) {
            s.setInt(1, runs);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String refs = rs.getString(8);
                    found.add(new Recorded(rs.getLong(1), rs.getString(2), rs.getString(3), Timestamps.instant(rs, 4), rs.getLong(5),
                            rs.getLong(6), java.util.HexFormat.of().formatHex(rs.getBytes(7)), refs.isEmpty() ? List.of() : List.of(refs.split(",")),
                            Timestamps.instant(rs, 9)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the housekeeping records could not be read", e);
        }
        return found;
    }

    /** Applies one line to every due, unheld row, chunk by chunk; each chunk commits on its own. */
    public Outcome apply(Entry entry) {
        Instant now = clock.instant();
        Instant cutoff = entry.cutoff(now);
        Line line = entry.line();
        TreeSet<String> keys = new TreeSet<>();
        List<String> references = new ArrayList<>();
        try (Connection c = quaestor.getConnection()) {
            c.setAutoCommit(false);
            try {
                while (true) {
                    List<String[]> chunk = select(c, line, cutoff, now);
                    if (!chunk.isEmpty()) {
                        reduce(c, line, chunk.stream().map(r -> UUID.fromString(r[0])).toArray(UUID[]::new), now);
                    }
                    c.commit();
                    chunk.forEach(r -> keys.add(r[1]));
                    if (line.action == Action.MINIMISE) {
                        chunk.forEach(r -> references.add(r[1]));
                    }
                    if (chunk.size() < CHUNK) {
                        break;
                    }
                }
                long held = countHeld(c, line, cutoff, now);
                c.commit();
                return new Outcome(line, cutoff, keys.size(), held, sha256(String.join("\n", keys)), references);
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException ex) {
            throw new IllegalStateException("housekeeping of " + line.slug + " failed", ex);
        }
    }

    private List<String[]> select(Connection c, Line line, Instant cutoff, Instant now) throws SQLException {
        String alias = line.base.split(" ")[2];
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + alias + ".id::text, " + line.keyExpression + " " + line.base
                + " AND NOT " + line.holdTest() + " ORDER BY " + line.clockExpression + " LIMIT " + CHUNK
                + " FOR UPDATE OF " + alias + " SKIP LOCKED")) {
            bind(s, cutoff, now);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
        }
        return rows;
    }

    private long countHeld(Connection c, Line line, Instant cutoff, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) " + line.base + " AND " + line.holdTest())) {
            bind(s, cutoff, now);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** What the end of a line's period does to the chosen rows, in the chunk's transaction. */
    private static void reduce(Connection c, Line line, UUID[] ids, Instant now) throws SQLException {
        switch (line) {
            case VERIFICATION_CODES -> run(c, "DELETE FROM dsar_verification WHERE id = ANY (?)", ids);
            case UNCONFIRMED_SUBSCRIPTIONS -> run(c, "DELETE FROM document_subscription WHERE id = ANY (?)", ids);
            case ESCALATION_LOGS -> {
                run(c, "DELETE FROM escalation_attempt WHERE delivery_id = ANY (?)", ids);
                run(c, "DELETE FROM escalation_delivery WHERE id = ANY (?)", ids);
            }
            case UNVERIFIED_REQUESTS, CASE_FILES -> minimiseRequests(c, ids, now);
            case INCIDENT_RECORDS -> {
                run(c, "DELETE FROM notice_delivery WHERE campaign_id IN (SELECT id FROM notice_campaign WHERE incident_id = ANY (?))", ids);
                runAt(c, "UPDATE incident SET tenants = '', minimised_at = ? WHERE id = ANY (?)", now, ids);
            }
        }
    }

    /**
     * Reduces a closed request to the minimal record that shows it was answered: reference, type,
     * channel, regime, status, dates, deadlines and the ground of a refusal. Everything that names or
     * reaches the person, or that they or staff wrote, goes.
     */
    private static void minimiseRequests(Connection c, UUID[] ids, Instant now) throws SQLException {
        run(c, "DELETE FROM dsar_verification WHERE request_id = ANY (?)", ids);
        run(c, "DELETE FROM subject_message WHERE request_id = ANY (?)", ids);
        run(c, "DELETE FROM dsar_note WHERE request_id = ANY (?)", ids);
        run(c, "DELETE FROM dsar_attachment WHERE request_id = ANY (?)", ids);
        run(c, "DELETE FROM dsar_rectification WHERE request_id = ANY (?)", ids);
        run(c, "DELETE FROM opendsr_callback WHERE subject_request_id IN (SELECT subject_request_id FROM opendsr_submission "
                + "WHERE request_id = ANY (?))", ids);
        run(c, "UPDATE opendsr_submission SET encoded_request = '', callback_urls = '' WHERE request_id = ANY (?)", ids);
        run(c, "UPDATE dsar_request_event SET reason = NULL WHERE request_id = ANY (?) AND reason IS NOT NULL", ids);
        runAt(c, """
                UPDATE dsar_request SET subject_email = NULL, subject_email_key = NULL, subject_account_id = NULL, details = NULL,
                       verification_evidence = NULL, consent_scope = NULL,
                       rejection_text = CASE WHEN rejection_text IS NULL THEN NULL ELSE '(reduced at the end of its retention period)' END,
                       minimised_at = ?, version = version + 1
                WHERE id = ANY (?)""", now, ids);
    }

    private static void run(Connection c, String sql, UUID[] ids) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("uuid", ids));
            s.executeUpdate();
        }
    }

    private static void runAt(Connection c, String sql, Instant now, UUID[] ids) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, Timestamps.utc(now));
            s.setArray(2, c.createArrayOf("uuid", ids));
            s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, Instant cutoff, Instant now) throws SQLException {
        s.setObject(1, Timestamps.utc(cutoff));
        s.setObject(2, Timestamps.utc(now));
        s.setObject(3, Timestamps.utc(now));
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
