package io.quaestor.documents.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.breach.control.BreachClock;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.retention.control.OwnRecords;
import io.quaestor.retention.control.RetentionBacklog;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The documents as the live configuration generates them, their published versions (kept for
 * ever, each SHA-256 sealed in the audit trail), what changed between versions, and the promise
 * check: whether what the published versions say is what the system does.
 */
@ApplicationScoped
public class Documents {

    /**
     * A version (the body is the JSON as published, byte for byte what was hashed). A material
     * change is PROPOSED until a second privacy officer approves it; its effective date is then
     * set a notice period after the approval.
     */
    public record Version(String kind, String language, int version, String state, String sha256, String dataMapVersion,
                          List<String> changes, boolean material, Instant publishedAt, UUID publishedBy, UUID approvedBy,
                          Instant approvedAt, Instant effectiveAt, JsonObject body) {
    }

    /** One statement the system contradicts: which document and line, and the evidence. */
    public record Mismatch(String document, String line, String evidence) {
    }

    public record Conformance(Instant checkedAt, boolean conforms, List<Mismatch> mismatches) {
    }

    /** What publishing now would change, before anyone publishes. */
    public record Draft(JsonObject document, Integer basedOnVersion, List<DocumentDiff.Change> changes, boolean material) {
    }

    /** How long an overdue row may wait for the next nightly run before it breaks the promise. */
    private static final Duration GRACE = Duration.ofDays(1);

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    DataMaps maps;

    @Inject
    ControllerIdentity controller;

    @Inject
    RetentionBacklog backlog;

    @Inject
    OwnRecords ownRecords;

    @Inject
    DocumentSubscriptions subscriptions;

    @Inject
    io.quaestor.access.control.AccessPolicy accessPolicy;

    @Inject
    io.quaestor.security.control.CredentialVerifier sessions;

    @Inject
    io.quaestor.audit.control.AuditRetention auditRetention;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    Documents self;

    @Inject
    @ConfigProperty(name = "quaestor.public-url", defaultValue = "http://localhost:8080")
    String publicUrl;

    @Inject
    @ConfigProperty(name = "quaestor.gateway.webhook.url")
    Optional<String> gatewayWebhookUrl;

    /**
     * Hosts Quaestor may send to without a disclosure the documents do not state: the controller's
     * own (the gateway's host always is) and those of recipients the data map names (incident
     * tooling, for example).
     */
    @Inject
    @ConfigProperty(name = "quaestor.documents.covered-hosts", defaultValue = "localhost,127.0.0.1")
    List<String> ownHosts;

    private java.util.Set<String> controllerHosts;

    @jakarta.annotation.PostConstruct
    void ownHosts() {
        controllerHosts = new java.util.TreeSet<>();
        ownHosts.forEach(h -> controllerHosts.add(h.strip().toLowerCase(java.util.Locale.ROOT)));
        gatewayWebhookUrl.map(Documents::host).ifPresent(controllerHosts::add);
    }

    @Inject
    @ConfigProperty(name = "quaestor.dsar.package.keep-for", defaultValue = "P30D")
    Duration packagesKeptFor;

    /** How long the operator keeps database backups: declared here, enforced by the backup rotation Quaestor cannot see. */
    @Inject
    @ConfigProperty(name = "quaestor.backups.retention", defaultValue = "P14D")
    java.time.Period backups;

    @Inject
    @ConfigProperty(name = "quaestor.documents.notice-period", defaultValue = "P30D")
    Duration noticePeriod;

    /** The document as the live configuration generates it now. */
    public JsonObject generate(DocumentGenerator.Kind kind, String language) {
        DocumentGenerator.Sources sources = new DocumentGenerator.Sources(maps.active().map(), BreachClock.shipped(),
                new DocumentGenerator.Controller(controller.name(), controller.contact(), controller.dpo(), controller.authority(),
                        publicUrl + "/privacy/"), ownRecords.schedule().stream().map(e -> new DocumentGenerator.OwnLine(e.line().slug,
                        e.line().table, e.period().toString(), e.line().action.name().toLowerCase(java.util.Locale.ROOT))).toList(),
                java.time.Period.ofDays((int) packagesKeptFor.toDays()), backups, new DocumentGenerator.Measures(accessPolicy.maxDuration(),
                accessPolicy.reviewWithin(), accessPolicy.recertificationInterval(), sessions.idleMinutes(), noticePeriod,
                auditRetention.totalRetention()));
        return new DocumentGenerator(sources, language).generate(kind);
    }

    public Draft draft(DocumentGenerator.Kind kind, String language) {
        JsonObject now = generate(kind, language);
        Optional<Version> latest = latest(kind, language);
        List<DocumentDiff.Change> changes = latest.map(v -> DocumentDiff.between(v.body(), now)).orElse(List.of());
        return new Draft(now, latest.map(Version::version).orElse(null), changes, changes.stream().anyMatch(DocumentDiff.Change::material));
    }

    /**
     * Publishes the document as generated now. Refused while the promise check finds a mismatch,
     * and when nothing changed. A material change takes effect after the notice period.
     */
    public Version publish(DocumentGenerator.Kind kind, String language, Caller officer) {
        requireKeptPromises();
        return self.store(kind, language, draft(kind, language), officer);
    }

    /** Checked before any transaction: the check reads the gateway's store too. */
    private void requireKeptPromises() {
        List<Mismatch> live = check().mismatches().stream().filter(m -> m.document().equals("system")).toList();
        if (!live.isEmpty()) {
            throw new StateConflictException("Nothing is published while the system breaks a promise: "
                    + live.stream().map(m -> m.line() + " (" + m.evidence() + ")").collect(Collectors.joining("; ")) + ".");
        }
    }

    @Transactional
    public Version store(DocumentGenerator.Kind kind, String language, Draft draft, Caller officer) {
        String body = draft.document().toString();
        byte[] sha256 = sha256(body);
        Optional<Version> latest = latest(kind, language);
        if (latest.isPresent() && latest.get().state().equals("PROPOSED")) {
            throw new StateConflictException("Version " + latest.get().version() + " is a material change awaiting approval; "
                    + "approve or withdraw it first.");
        }
        if (latest.isPresent() && latest.get().sha256().equals(HexFormat.of().formatHex(sha256))) {
            throw new StateConflictException("Version " + latest.get().version() + " already says exactly this; nothing to publish.");
        }
        Instant now = clock.instant();
        boolean proposed = draft.material() && latest.isPresent();
        Instant effective = draft.material() ? now.plus(noticePeriod) : now;
        int number = latest.map(v -> v.version() + 1).orElse(1);
        List<String> changes = latest.isEmpty() ? List.of("First version.")
                : draft.changes().isEmpty() ? List.of("Wording only.") : draft.changes().stream()
                .map(c -> c.text() + (c.material() ? " (material)" : "")).toList();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO document_version (id, kind, language, version, body, sha256, datamap_version, changes, material,
                                              published_at, published_by, effective_at, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setObject(1, UUID.randomUUID());
            s.setString(2, kind.slug);
            s.setString(3, language);
            s.setInt(4, number);
            s.setString(5, body);
            s.setBytes(6, sha256);
            s.setString(7, draft.document().getJsonObject("generatedFrom").getString("dataMap"));
            s.setString(8, String.join("\n", changes));
            s.setBoolean(9, draft.material());
            s.setObject(10, Timestamps.utc(now));
            s.setObject(11, officer.userId());
            s.setObject(12, Timestamps.utc(effective));
            s.setString(13, proposed ? "PROPOSED" : "PUBLISHED");
            s.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new StateConflictException("Version " + number + " was published meanwhile by someone else; look at it, then publish again.");
            }
            throw new IllegalStateException("the version could not be stored", e);
        }
        Map<String, String> details = new TreeMap<>();
        details.put("kind", kind.slug);
        details.put("language", language);
        details.put("version", Integer.toString(number));
        details.put("sha256", HexFormat.of().formatHex(sha256));
        details.put("material", Boolean.toString(draft.material()));
        if (!proposed) {
            details.put("effectiveAt", effective.toString());
        }
        audit.appendAction(officer, proposed ? "documents.proposed" : "documents.published", "document",
                kind.slug + "/" + language + "/" + number, null, details);
        return version(kind, language, number).orElseThrow();
    }

    /**
     * Approves a proposed material change: by a privacy officer other than the one who proposed it,
     * only while the configuration still generates exactly what was proposed and the system keeps
     * its promises. The change takes effect a notice period from now, and its notices are queued
     * (subscribers, and the gateway webhook where configured) in the same transaction.
     */
    public Version approve(DocumentGenerator.Kind kind, String language, int number, Caller officer) {
        requireKeptPromises();
        String generated = generate(kind, language).toString();
        return self.approveStored(kind, language, number, generated, officer);
    }

    @Transactional
    public Version approveStored(DocumentGenerator.Kind kind, String language, int number, String generated, Caller officer) {
        Version v = lockProposed(kind, language, number);
        if (v.publishedBy().equals(officer.userId())) {
            throw new StateConflictException("A material change needs a second privacy officer: you proposed version " + number + ".");
        }
        if (!v.body().toString().equals(generated)) {
            throw new StateConflictException("The configuration changed since version " + number + " was proposed; withdraw it and propose "
                    + "the document as it is generated now.");
        }
        Instant now = clock.instant();
        Instant effective = now.plus(noticePeriod);
        update("UPDATE document_version SET state = 'PUBLISHED', approved_by = ?, approved_at = ?, effective_at = ? "
                + "WHERE kind = ? AND language = ? AND version = ?", officer.userId(), Timestamps.utc(now), Timestamps.utc(effective),
                kind.slug, language, number);
        Map<String, String> details = new TreeMap<>();
        details.put("kind", kind.slug);
        details.put("language", language);
        details.put("version", Integer.toString(number));
        details.put("sha256", v.sha256());
        details.put("material", "true");
        details.put("proposedBy", v.publishedBy().toString());
        details.put("effectiveAt", effective.toString());
        audit.appendAction(officer, "documents.published", "document", kind.slug + "/" + language + "/" + number, null, details);
        Version approved = require(kind, language, number);
        if (kind.isPublic) {
            subscriptions.announce(approved, publicUrl + "/privacy/documents.html#" + kind.slug + (language.equals("en") ? "" : "/" + language));
        }
        return approved;
    }

    /** Withdraws a proposal nobody approved; it stays on record as withdrawn. */
    @Transactional
    public Version withdraw(DocumentGenerator.Kind kind, String language, int number, Caller officer) {
        Version v = lockProposed(kind, language, number);
        update("UPDATE document_version SET state = 'WITHDRAWN' WHERE kind = ? AND language = ? AND version = ?", kind.slug, language, number);
        audit.appendAction(officer, "documents.withdrawn", "document", kind.slug + "/" + language + "/" + number, null,
                Map.of("sha256", v.sha256()));
        return require(kind, language, number);
    }

    private Version lockProposed(DocumentGenerator.Kind kind, String language, int number) {
        Version v = query("WHERE kind = ? AND language = ? AND version = ? FOR UPDATE", kind.slug, language, number).stream().findFirst()
                .orElseThrow(() -> new NotFoundException("No version " + number + " of " + kind.slug + " in " + language + "."));
        if (!v.state().equals("PROPOSED")) {
            throw new StateConflictException("Version " + number + " is " + v.state().toLowerCase(java.util.Locale.ROOT)
                    + "; only a proposed material change is approved or withdrawn.");
        }
        return v;
    }

    private void update(String sql, Object... values) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the version could not be updated", e);
        }
    }

    public List<Version> versions(DocumentGenerator.Kind kind, String language) {
        return query("WHERE kind = ? AND language = ? ORDER BY version DESC", kind.slug, language);
    }

    public Optional<Version> version(DocumentGenerator.Kind kind, String language, int number) {
        return query("WHERE kind = ? AND language = ? AND version = ?", kind.slug, language, number).stream().findFirst();
    }

    /** The version in force at an instant: the newest whose effective date has come. */
    public Optional<Version> inForce(DocumentGenerator.Kind kind, String language, Instant at) {
        return query("WHERE kind = ? AND language = ? AND state = 'PUBLISHED' AND effective_at <= ? ORDER BY version DESC LIMIT 1", kind.slug, language,
                Timestamps.utc(at)).stream().findFirst();
    }

    public Optional<Version> latest(DocumentGenerator.Kind kind, String language) {
        return query("WHERE kind = ? AND language = ? AND state <> 'WITHDRAWN' ORDER BY version DESC LIMIT 1", kind.slug, language).stream().findFirst();
    }

    public Version require(DocumentGenerator.Kind kind, String language, int number) {
        return version(kind, language, number).orElseThrow(() -> new NotFoundException("No version " + number + " of " + kind.slug + " in " + language + "."));
    }

    /**
     * The promise check. Against the system: every retention line whose oldest unheld row is past
     * its deadline by more than a day (the purge is not keeping the published period). Against
     * the published versions in force: every line that the configuration now generates differently
     * (a period, a recipient, a deadline), named with the document and its evidence.
     */
    public Conformance check() {
        List<Mismatch> mismatches = new ArrayList<>();
        backlog.refresh();
        backlog.overdue().forEach((table, seconds) -> {
            if (seconds > GRACE.toSeconds()) {
                mismatches.add(new Mismatch("system", "retention of " + table,
                        String.format("rows past their published period are still present, the oldest %.1f days overdue", seconds / 86400.0)));
            }
        });
        ownRecords.overdue().forEach((line, seconds) -> {
            if (seconds > GRACE.toSeconds()) {
                mismatches.add(new Mismatch("system", "retention of Quaestor's " + line.slug + " (" + line.table + ")",
                        String.format("records past their published period are still present, the oldest %.1f days overdue", seconds / 86400.0)));
            }
        });
        if (!maps.active().map().holdsContent()) {
            maps.undeclaredContent().forEach(finding -> mismatches.add(new Mismatch("system", "never stored: prompt and completion content",
                    finding)));
        }
        recipientMismatches(mismatches);
        Instant now = clock.instant();
        for (DocumentGenerator.Kind kind : DocumentGenerator.Kind.values()) {
            for (String language : DocumentGenerator.LANGUAGES) {
                Optional<Version> published = inForce(kind, language, now);
                if (published.isEmpty()) {
                    continue;
                }
                for (DocumentDiff.Change change : DocumentDiff.between(published.get().body(), generate(kind, language))) {
                    mismatches.add(new Mismatch(kind.slug + "/" + language + " v" + published.get().version(), change.text(),
                            "the published version says otherwise than the configuration the jobs enforce"));
                }
            }
        }
        mismatches.sort(java.util.Comparator.comparing(Mismatch::document).thenComparing(Mismatch::line));
        Conformance result = new Conformance(now, mismatches.isEmpty(), mismatches);
        record(result);
        return result;
    }

    /** Every check is kept, so that an auditor sees since when a promise was broken and when it held again. */
    private void record(Conformance result) {
        jakarta.json.JsonArrayBuilder found = Json.createArrayBuilder();
        result.mismatches().forEach(m -> found.add(Json.createObjectBuilder().add("document", m.document()).add("line", m.line())
                .add("evidence", m.evidence())));
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO document_conformance_check (checked_at, conforms, mismatches) VALUES (?, ?, ?::jsonb)")) {
            s.setObject(1, Timestamps.utc(result.checkedAt()));
            s.setBoolean(2, result.conforms());
            s.setString(3, found.build().toString());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the promise check could not be recorded", e);
        }
    }

    /** The latest recorded checks, newest first. */
    public List<Conformance> history(int limit) {
        List<Conformance> checks = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT checked_at, conforms, mismatches::text FROM document_conformance_check ORDER BY checked_at DESC, id DESC LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<Mismatch> found = Json.createReader(new StringReader(rs.getString(3))).readArray().stream().map(v -> v.asJsonObject())
                            .map(o -> new Mismatch(o.getString("document"), o.getString("line"), o.getString("evidence"))).toList();
                    checks.add(new Conformance(Timestamps.instant(rs, 1), rs.getBoolean(2), found));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the promise check history could not be read", e);
        }
        return checks;
    }

    /**
     * The recipients the documents name against where Quaestor itself sends data: the gateway
     * webhook and every active escalation webhook go to hosts that must be covered, and every
     * recipient outside the controller's region needs a transfer safeguard. Quaestor cannot see the
     * gateway's own integrations; the documents say what the map declares about those.
     */
    private void recipientMismatches(List<Mismatch> mismatches) {
        for (DataMap.Recipient r : maps.active().map().recipients()) {
            if (r.transfer() == null || r.transfer().isBlank()) {
                mismatches.add(new Mismatch("system", "recipients: " + r.name(), "the data map names no transfer safeguard or region for this recipient"));
            }
        }
        for (String host : webhookHosts()) {
            if (!controllerHosts.contains(host)) {
                mismatches.add(new Mismatch("system", "recipients: webhook to " + host,
                        "Quaestor sends incident data to this host, which is neither the controller's nor a named recipient's (quaestor.documents.covered-hosts)"));
            }
        }
    }

    /** Hosts Quaestor itself delivers to: the gateway webhook and active escalation webhooks. */
    private java.util.Set<String> webhookHosts() {
        java.util.Set<String> hosts = new java.util.TreeSet<>();
        gatewayWebhookUrl.map(Documents::host).ifPresent(hosts::add);
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT address FROM escalation_contact WHERE active AND channel = 'WEBHOOK'"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                hosts.add(host(rs.getString(1)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the escalation contacts could not be read", e);
        }
        hosts.remove("");
        return hosts;
    }

    private static String host(String url) {
        try {
            String host = java.net.URI.create(url).getHost();
            return host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private List<Version> query(String where, Object... values) {
        List<Version> found = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT kind, language, version, state, sha256, "
                + "datamap_version, changes, material, published_at, published_by, approved_by, approved_at, effective_at, body "
                + "FROM document_version " + where)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(new Version(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), HexFormat.of().formatHex(rs.getBytes(5)),
                            rs.getString(6), List.of(rs.getString(7).split("\n")), rs.getBoolean(8), Timestamps.instant(rs, 9),
                            rs.getObject(10, UUID.class), rs.getObject(11, UUID.class), Timestamps.instant(rs, 12), Timestamps.instant(rs, 13),
                            Json.createReader(new StringReader(rs.getString(14))).readObject()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the document versions could not be read", e);
        }
        return found;
    }

    static byte[] sha256(String body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
