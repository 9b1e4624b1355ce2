package io.quaestor.documents.control;

import io.quaestor.breach.control.BreachClock;
import io.quaestor.datamap.entity.DataMap;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The published documents, generated from what the system enforces: the data map (tables,
 * categories, purposes, retention and erasure rules, recipients), the breach obligation rules and
 * the controller's settings. Nothing here is written by hand per gateway, so a document cannot
 * promise a period the purge job does not apply or omit a recipient the map declares.
 *
 * <p>Every document has one shape, {@code {kind, language, title, generatedFrom, sections[]}},
 * each section a heading with paragraphs, bullet items and an optional table; the HTML and PDF
 * forms are renderings of exactly that JSON. Text the map supplies (purposes, labels, grounds)
 * appears as the map words it.
 */
public final class DocumentGenerator {

    public enum Kind {
        PRIVACY_POLICY("privacy-policy", true),
        RETENTION_SCHEDULE("retention-schedule", false),
        RECORDS_OF_PROCESSING("records-of-processing", false),
        SUB_PROCESSORS("sub-processors", true),
        SECURITY_COMMITMENTS("security-commitments", true),
        DATA_PROCESSING_AGREEMENT("data-processing-agreement", true);

        public final String slug;
        /** Whether data subjects read it at /privacy/ without signing in. */
        public final boolean isPublic;

        Kind(String slug, boolean isPublic) {
            this.slug = slug;
            this.isPublic = isPublic;
        }

        public static java.util.Optional<Kind> of(String slug) {
            for (Kind k : values()) {
                if (k.slug.equals(slug)) {
                    return java.util.Optional.of(k);
                }
            }
            return java.util.Optional.empty();
        }
    }

    public static final Set<String> LANGUAGES = Set.of("en", "de");

    /** Who is responsible, and whom subjects may complain to. */
    public record Controller(String name, String contact, String dpo, String authority, String requestPage) {
    }

    /** A line of Quaestor's own schedule: what it keeps where, for how long ({@link java.time.Period} ISO text), and what happens then. */
    public record OwnLine(String slug, String table, String period, String action) {
    }

    /**
     * The enforcing configuration a document is generated from: the data map, the obligation rules,
     * the controller, Quaestor's own schedule, how long its access packages are kept, and the backup
     * period the operator declares (which Quaestor cannot see enforced, and says so).
     */
    public record Sources(DataMap map, BreachClock obligations, Controller controller, List<OwnLine> ownRecords,
                          java.time.Period packagesKeptFor, java.time.Period backups, Measures measures) {
    }

    /** The enforced settings the DPA's measures and clauses state. */
    public record Measures(Duration grantMaxDuration, Duration breakGlassReviewWithin, Duration recertificationInterval, int sessionIdleMinutes,
                           Duration changeNoticePeriod, Duration auditEventsKept) {
    }

    private final Sources sources;
    private final Texts t;

    public DocumentGenerator(Sources sources, String language) {
        this.sources = sources;
        this.t = new Texts(language);
    }

    public JsonObject generate(Kind kind) {
        List<JsonObject> sections = switch (kind) {
            case PRIVACY_POLICY -> privacyPolicy();
            case RETENTION_SCHEDULE -> List.of(retentionSection());
            case RECORDS_OF_PROCESSING -> recordsOfProcessing();
            case SUB_PROCESSORS -> List.of(recipientsSection());
            case SECURITY_COMMITMENTS -> List.of(commitmentsSection());
            case DATA_PROCESSING_AGREEMENT -> dataProcessingAgreement();
        };
        JsonArrayBuilder all = Json.createArrayBuilder();
        sections.forEach(all::add);
        return Json.createObjectBuilder()
                .add("kind", kind.slug)
                .add("language", t.language)
                .add("title", t.title(kind))
                .add("controller", sources.controller().name())
                .add("generatedFrom", Json.createObjectBuilder()
                        .add("dataMap", sources.map().version())
                        .add("obligations", sources.obligations().version()))
                .add("sections", all)
                .build();
    }

    private List<JsonObject> privacyPolicy() {
        DataMap map = sources.map();
        List<JsonObject> sections = new ArrayList<>();
        sections.add(section(t.s("who"), List.of(t.f("whoText", sources.controller().name(), sources.controller().contact(),
                sources.controller().dpo())), List.of(), null));
        List<List<String>> collected = new ArrayList<>();
        for (Map.Entry<String, List<DataMap.MappedTable>> category : byCategory().entrySet()) {
            List<DataMap.MappedTable> tables = category.getValue();
            collected.add(List.of(category.getKey(),
                    tables.stream().flatMap(x -> x.columns().stream()).filter(DataMap.MappedColumn::export)
                            .map(DataMap.MappedColumn::label).distinct().collect(Collectors.joining(", ")),
                    tables.stream().map(DataMap.MappedTable::purpose).distinct().collect(Collectors.joining("; ")),
                    tables.stream().map(DataMap.MappedTable::legalBasis).distinct().collect(Collectors.joining(", "))));
        }
        sections.add(section(t.s("collected"), List.of(t.s("collectedText")), List.of(),
                table(List.of(t.s("category"), t.s("data"), t.s("purpose"), t.s("legalBasis")), collected)));
        sections.add(section(t.s("neverStored"), List.of(map.holdsContent() ? t.s("contentStored") : t.s("contentNotStored")),
                map.recipients().stream().filter(r -> r.contentNote() != null).map(r -> r.name() + ": " + r.contentNote()).toList(), null));
        sections.add(retentionSection());
        sections.add(recipientsSection());
        sections.add(section(t.s("rights"), List.of(t.f("rightsText", sources.controller().requestPage())),
                List.of(t.s("rightAccess"), t.s("rightRectification"), t.s("rightErasure"), t.s("rightRestriction"),
                        t.s("rightObjection"), t.s("rightPortability"), t.s("rightWithdraw")), null));
        sections.add(commitmentsSection());
        sections.add(section(t.s("complaints"), List.of(t.f("complaintsText", sources.controller().contact(),
                sources.controller().authority())), List.of(), null));
        return sections;
    }

    /** One line per mapped table: its period, what starts the clock, the legal floor, the tenant's range, and the job that enforces it. */
    private JsonObject retentionSection() {
        List<List<String>> rows = new ArrayList<>();
        for (DataMap.MappedTable table : sources.map().tables()) {
            rows.add(List.of(table.store() + "." + table.name(), table.category(), period(table), enforcedBy(table)));
        }
        for (OwnLine own : sources.ownRecords()) {
            rows.add(List.of(own.table() + " (" + own.slug() + ")", t.s("own." + own.slug()), t.f("own.period", humanPeriod(java.time.Period.parse(own.period())),
                    t.s("own." + own.slug() + ".clock"), t.has("own." + own.slug() + ".end") ? t.s("own." + own.slug() + ".end")
                    : t.s("own." + own.action())), t.s("byHousekeeping")));
        }
        rows.add(List.of("quaestor.access_package", t.s("own.access-packages"),
                t.f("own.packagesPeriod", humanPeriod(sources.packagesKeptFor())), t.s("byPackageTimers")));
        rows.add(List.of("quaestor.audit_event", t.s("own.audit"), t.f("own.auditPeriod", humanDuration(sources.measures().auditEventsKept())),
                t.s("byAuditRetention")));
        rows.add(List.of("quaestor.document_subscription", t.s("own.subscriptions"), t.s("own.subscriptionsPeriod"), t.s("byUnsubscribing")));
        rows.add(List.of(t.s("backups.where"), t.s("backups.what"), t.f("backups.period", humanPeriod(sources.backups())),
                t.s("backups.enforcedBy")));
        return section(t.s("retention"), List.of(t.s("retentionText")), List.of(),
                table(List.of(t.s("table"), t.s("category"), t.s("period"), t.s("enforcedBy")), rows));
    }

    /** An ISO period as a reader says it: "3 years", "30 days", "1 year and 6 months". */
    private String humanPeriod(java.time.Period p) {
        List<String> parts = new ArrayList<>();
        if (p.getYears() != 0) {
            parts.add(t.f(p.getYears() == 1 ? "year" : "years", p.getYears()));
        }
        if (p.getMonths() != 0) {
            parts.add(t.f(p.getMonths() == 1 ? "month" : "months", p.getMonths()));
        }
        if (p.getDays() != 0 || parts.isEmpty()) {
            parts.add(t.f("daysOnly", p.getDays()));
        }
        return String.join(t.s("and"), parts);
    }

    private String period(DataMap.MappedTable table) {
        DataMap.Retention r = table.retention();
        if (r == null) {
            DataMap.Erasure e = table.erasure();
            if (e != null && "retain".equals(e.strategy())) {
                return e.retainYears() != null ? t.f("retainYears", e.retainYears(), e.ground()) : t.f("retained", e.ground());
            }
            return t.s("whileAccount");
        }
        if ("account-closed".equals(r.trigger())) {
            return t.f("afterClosure", r.periodDays());
        }
        StringBuilder text = new StringBuilder(t.f("days", r.periodDays(), r.clockColumn()));
        if (r.tenantOverride() != null) {
            text.append("; ").append(t.s("tenantRange"));
        }
        if (r.legalFloorYears() != null) {
            text.append("; ").append(t.f("floor", r.legalFloorYears(), r.ground()));
        }
        return text.toString();
    }

    private String enforcedBy(DataMap.MappedTable table) {
        DataMap.Retention r = table.retention();
        if (r == null) {
            return table.erasure() != null && "retain".equals(table.erasure().strategy()) ? t.s("notPurged") : t.s("byErasure");
        }
        return "account-closed".equals(r.trigger()) ? t.s("byClosedAccountJob") : t.s("byRetentionJob");
    }

    private JsonObject recipientsSection() {
        List<List<String>> rows = sources.map().recipients().stream().map(r -> List.of(r.name(), r.kind(),
                String.join(", ", r.categories()), r.transfer() == null ? "-" : r.transfer())).toList();
        return section(t.s("recipients"), List.of(t.s("recipientsText")), List.of(),
                table(List.of(t.s("recipient"), t.s("role"), t.s("categories"), t.s("transfer")), rows));
    }

    private JsonObject commitmentsSection() {
        List<List<String>> rows = sources.obligations().rules().stream().map(r -> List.of(r.regime(), r.recipient(),
                humanPeriod(r.period()), r.severities().isEmpty() ? t.s("allSeverities")
                        : r.severities().stream().map(s -> s.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(", ")),
                r.why())).toList();
        return section(t.s("commitments"), List.of(t.s("commitmentsText")), List.of(),
                table(List.of(t.s("regime"), t.s("recipient"), t.s("within"), t.s("severity"), t.s("what")), rows));
    }

    /** The Art. 28(3) clauses with the enforced facts filled in, then the annexes: processing, measures, sub-processors. */
    private List<JsonObject> dataProcessingAgreement() {
        Measures m = sources.measures();
        List<JsonObject> sections = new ArrayList<>();
        sections.add(section(t.s("dpa.parties"), List.of(t.f("dpa.partiesText", sources.controller().name())), List.of(), null));
        String closure = sources.map().tables().stream().map(DataMap.MappedTable::retention)
                .filter(r -> r != null && "account-closed".equals(r.trigger())).map(r -> t.f("afterClosure", r.periodDays())).findFirst()
                .orElse(t.s("whileAccount"));
        sections.add(section(t.s("dpa.clauses"), List.of(), List.of(t.s("dpa.a"), t.s("dpa.b"), t.s("dpa.c"),
                t.f("dpa.d", humanDuration(m.changeNoticePeriod())), t.s("dpa.e"), t.f("dpa.f", shortestNotification()), t.f("dpa.g", closure),
                t.s("dpa.h")), null));
        JsonObject retention = retentionSection();
        sections.add(section(t.s("dpa.annex1"), List.of(t.f("dpa.annex1Text", sources.map().holdsContent() ? t.s("dpa.contentStored")
                : t.s("dpa.contentNotStored"))), List.of(), privacyPolicy().get(1).getJsonObject("table")));
        sections.add(section(t.s("retention"), List.of(t.s("retentionText")), List.of(), retention.getJsonObject("table")));
        sections.add(section(t.s("dpa.annex2"), List.of(t.s("dpa.annex2Text")), List.of(
                t.f("dpa.m.audit", humanDuration(m.auditEventsKept())),
                t.f("dpa.m.grants", humanDuration(m.grantMaxDuration()), humanDuration(m.breakGlassReviewWithin()),
                        humanDuration(m.recertificationInterval())),
                t.f("dpa.m.staff", m.sessionIdleMinutes()), t.s("dpa.m.retention"),
                t.f("dpa.m.packages", humanPeriod(sources.packagesKeptFor())), t.s("dpa.m.breach")), null));
        sections.add(commitmentsSection());
        JsonObject recipients = recipientsSection();
        sections.add(section(t.s("dpa.annex3"), recipients.getJsonArray("paragraphs").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList(), List.of(), recipients.getJsonObject("table")));
        return sections;
    }

    /** The shortest clock that applies to every incident: what the processor can promise the controller. */
    private String shortestNotification() {
        return sources.obligations().rules().stream().filter(r -> r.severities().isEmpty() && r.period().startsWith("PT"))
                .map(r -> Duration.parse(r.period())).min(Duration::compareTo).map(this::humanDuration).orElse(t.s("withoutDelay"));
    }

    /** A duration as a reader says it: whole days as days, otherwise hours. */
    private String humanDuration(Duration d) {
        if (d.toHours() % 24 == 0 && d.toHours() >= 72) {
            return humanPeriod(java.time.Period.ofDays((int) d.toDays()));
        }
        return t.f("hours", d.toHours());
    }

    private List<JsonObject> recordsOfProcessing() {
        List<JsonObject> sections = new ArrayList<>();
        sections.add(section(t.s("ropaController"), List.of(t.f("whoText", sources.controller().name(), sources.controller().contact(),
                sources.controller().dpo())), List.of(), null));
        for (Map.Entry<String, List<DataMap.MappedTable>> category : byCategory().entrySet()) {
            List<DataMap.MappedTable> tables = category.getValue();
            Set<String> recipients = sources.map().recipients().stream().filter(r -> r.categories().contains(category.getKey()))
                    .map(r -> r.name() + (r.transfer() == null ? "" : " (" + r.transfer() + ")")).collect(Collectors.toCollection(TreeSet::new));
            List<String> items = List.of(
                    t.s("purposes") + ": " + tables.stream().map(DataMap.MappedTable::purpose).distinct().collect(Collectors.joining("; ")),
                    t.s("legalBasis") + ": " + tables.stream().map(DataMap.MappedTable::legalBasis).distinct().collect(Collectors.joining(", ")),
                    t.s("subjects") + ": " + t.s("subjectsText"),
                    t.s("data") + ": " + tables.stream().flatMap(x -> x.columns().stream()).map(DataMap.MappedColumn::label).distinct()
                            .collect(Collectors.joining(", ")),
                    t.s("recipients") + ": " + (recipients.isEmpty() ? "-" : String.join("; ", recipients)),
                    t.s("retention") + ": " + tables.stream().map(x -> x.name() + " " + period(x)).collect(Collectors.joining("; ")),
                    t.s("security") + ": " + t.s("securityText"));
            sections.add(section(t.f("activity", category.getKey()), List.of(), items, null));
        }
        return sections;
    }

    private Map<String, List<DataMap.MappedTable>> byCategory() {
        Map<String, List<DataMap.MappedTable>> grouped = new LinkedHashMap<>();
        for (DataMap.MappedTable table : sources.map().tables()) {
            grouped.computeIfAbsent(table.category(), c -> new ArrayList<>()).add(table);
        }
        return grouped;
    }

    private String humanPeriod(String iso) {
        if (iso.startsWith("PT") && iso.endsWith("H")) {
            return t.f("hours", iso.substring(2, iso.length() - 1));
        }
        if (iso.startsWith("P") && iso.endsWith("D")) {
            return t.f("daysOnly", iso.substring(1, iso.length() - 1));
        }
        if (iso.startsWith("P") && !iso.contains("T")) {
            return humanPeriod(java.time.Period.parse(iso));
        }
        return iso;
    }

    private static JsonObject section(String heading, List<String> paragraphs, List<String> items, JsonObject table) {
        JsonObjectBuilder s = Json.createObjectBuilder().add("heading", heading)
                .add("paragraphs", Json.createArrayBuilder(paragraphs))
                .add("items", Json.createArrayBuilder(items));
        if (table != null) {
            s.add("table", table);
        }
        return s.build();
    }

    private static JsonObject table(List<String> columns, List<List<String>> rows) {
        JsonArrayBuilder r = Json.createArrayBuilder();
        rows.forEach(row -> r.add(Json.createArrayBuilder(row)));
        return Json.createObjectBuilder().add("columns", Json.createArrayBuilder(columns)).add("rows", r).build();
    }
}
