package io.quaestor.datamap.entity;

import java.util.List;
import java.util.Optional;

/**
 * A validated data map. Identifiers in it are safe to quote into SQL: they were checked against
 * the live schema. A map may describe several kinds of subject (a gateway's users and its
 * customers' end users), each with its own table, key and identifiers; {@link #subject()} is the
 * first, and {@link #forKind} sees the map as one kind, with only the links that reach that
 * kind's table, which is how every engine reads it.
 */
public record DataMap(String version, String description, List<Store> stores, List<Subject> subjects, List<MappedTable> tables,
                      List<Recipient> recipients) {

    /** The kind a map's only subject has when the file does not name it. */
    public static final String DEFAULT_KIND = "user";

    public DataMap {
        stores = List.copyOf(stores);
        subjects = List.copyOf(subjects);
        tables = List.copyOf(tables);
        recipients = List.copyOf(recipients);
    }

    /** The subject the map is seen as: the first kind declared, or the one {@link #forKind} chose. */
    public Subject subject() {
        return subjects.isEmpty() ? null : subjects.get(0);
    }

    /** The names of the kinds of subject, in the map's order. */
    public List<String> kinds() {
        return subjects.stream().map(Subject::name).toList();
    }

    public Optional<Subject> kind(String name) {
        return subjects.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * The map seen as one kind of subject: that kind first, and each table keeping only the links
     * whose chain ends at that kind's table (a table no link of which reaches it stays mapped,
     * unlinked). Seeing a map as the kind it already is changes nothing.
     */
    public DataMap forKind(String name) {
        Subject chosen = kind(name).orElseThrow(() -> new IllegalArgumentException("the data map has no subject kind " + name));
        List<Subject> ordered = new java.util.ArrayList<>(List.of(chosen));
        subjects.stream().filter(s -> s != chosen).forEach(ordered::add);
        java.util.Set<String> reaching = new java.util.HashSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (MappedTable t : tables) {
                if (!reaching.contains(t.store() + "." + t.name()) && !reachingLinks(t, chosen, reaching).isEmpty()) {
                    reaching.add(t.store() + "." + t.name());
                    grew = true;
                }
            }
        }
        List<MappedTable> projected = tables.stream().map(t -> t.withLinks(reachingLinks(t, chosen, reaching))).toList();
        return new DataMap(version, description, stores, ordered, projected, recipients);
    }

    /** A store other than the kind's may hold a copy of its table (a regional store): its links count the same way. */
    private static List<Link> reachingLinks(MappedTable table, Subject kind, java.util.Set<String> reaching) {
        return table.links().stream().filter(l -> l.isSubjectRoot() ? table.name().equals(kind.table())
                : reaching.contains(table.store() + "." + l.referencedTable())).toList();
    }

    /** {@code schema}, when given, is where the store's tables are (else the connection's own search path). */
    public record Store(String name, String datasource, String region, String schema) {
        public Store(String name, String datasource, String region) {
            this(name, datasource, region, null);
        }
    }

    public Optional<Store> store(String name) {
        return stores.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * {@code tenant} is the column of the subject's table naming the customer (tenant) the subject
     * belongs to; {@code restrictionFlag}, when given, the boolean column that restricts processing.
     */
    /**
     * {@code name} is the kind of subject ("user", "end-user"); {@code tenant} may be absent for a
     * kind that belongs to no tenant of its own (a customer's end users).
     */
    public record Subject(String name, String store, String table, String key, String tenant, String restrictionFlag,
                          List<Identifier> identifiers, List<Membership> memberships, String keyType, String tenantType) {
        public Subject {
            identifiers = List.copyOf(identifiers);
            memberships = memberships == null ? List.of() : List.copyOf(memberships);
        }

        /** As read from the file: the key and tenant types are learnt from the live schema by the validator. */
        public Subject(String name, String store, String table, String key, String tenant, String restrictionFlag,
                       List<Identifier> identifiers, List<Membership> memberships) {
            this(name, store, table, key, tenant, restrictionFlag, identifiers, memberships, null, null);
        }

        /** With the type family (uuid, integer or text) of the key and the tenant, as the store has them. */
        public Subject typed(String keyType, String tenantType) {
            return new Subject(name, store, table, key, tenant, restrictionFlag, identifiers, memberships, keyType, tenantType);
        }

        public Optional<Identifier> identifier(String kind) {
            return identifiers.stream().filter(i -> i.kind().equals(kind)).findFirst();
        }
    }

    /**
     * {@code hash}, when given ({@code sha256}), says the column keeps the hash of what the
     * subject presents (an API key), as lower-case hex: Quaestor hashes the presented value and
     * compares hashes.
     */
    /**
     * A further tenant a subject belongs to, beside the home tenant column: rows of a membership
     * {@code table} ({@code subjectColumn} the subject's key, {@code tenantColumn} the tenant), or,
     * with no table, an array column of the subject's own table holding tenant ids.
     */
    public record Membership(String table, String subjectColumn, String tenantColumn) {
        public boolean isArray() {
            return table == null;
        }
    }

    public record Identifier(String kind, String table, String column, String match, String hash) {
        public Identifier(String kind, String table, String column, String match) {
            this(kind, table, column, match, null);
        }
    }

    /**
     * How a table's rows point at the subject: this table's {@code column} holds the key of
     * {@code referencedTable.referencedColumn} ({@code referencedTable} null: the column is the
     * subject's own key). The value may sit inside the column: at a JSON {@code path}, or as an
     * element of an {@code array} column. A table may have several links; a row belongs to a
     * subject when any of them matches.
     */
    public record Link(String column, String referencedTable, String referencedColumn, JsonPath path, boolean array) {
        public static Link toSubject(String column) {
            return new Link(column, null, null, null, false);
        }

        public boolean isSubjectRoot() {
            return referencedTable == null;
        }

        /** One value per row (a plain column or a JSON path without {@code [*]}), so an index on it can serve. */
        public boolean scalar() {
            return !array && (path == null || path.scalar());
        }

        /** "subject" or table.column, for messages. */
        public String references() {
            return isSubjectRoot() ? "subject" : referencedTable + "." + referencedColumn;
        }

        /** The link as a map author writes it, for messages. */
        public String describe() {
            return column + (path == null ? "" : " -> " + path.text()) + (array ? "[]" : "");
        }
    }

    /**
     * A tenant's own retention setting: in {@code table}, the row whose {@code key} column is the
     * tenant holds the days in {@code column} (any number type), or at the JSON {@code path} of it;
     * {@code via} is the purged table's column naming the row's tenant. With {@code keptByQuaestor}
     * the days are kept in Quaestor's own database instead (no table or column).
     */
    public record TenantOverride(String table, String column, String via, String key, JsonPath path, boolean keptByQuaestor) {
    }

    /**
     * {@code key}, when given, is the column a purge pages by beside the clock, for a table whose
     * primary key does not serve (or that has none; then the physical address is used).
     */
    public record Retention(String clockColumn, int periodDays, String trigger, TenantOverride tenantOverride,
                            Integer legalFloorYears, String ground, String key) {
    }

    /**
     * {@code edits} apply to a JSON column of retained rows (strategy {@code edit-json}): one key
     * removed or pseudonymized each, the rest of the value kept.
     */
    public record Erasure(String strategy, String ground, Integer retainYears, List<JsonEdit> edits) {
        public Erasure {
            edits = edits == null ? List.of() : List.copyOf(edits);
        }

        public Erasure(String strategy, String ground, Integer retainYears) {
            this(strategy, ground, retainYears, List.of());
        }
    }

    /** {@code strategy} is {@code remove} or {@code pseudonymize}; the path has no {@code [*]}. */
    public record JsonEdit(JsonPath path, String strategy) {
    }

    /** {@code category}, when given, is the column's own (a content column inside a metadata table); else the table's. */
    public record MappedColumn(String name, String label, boolean export, Erasure erasure, String category) {
    }

    /** A row condition: {@code column = value} (the value compared as text). */
    public record Condition(String column, String equals) {
    }

    /**
     * {@code blocksErasure}, when given, marks rows that must not be erased without a second
     * officer's approval (for example invoices still open).
     */
    public record MappedTable(String store, String name, String category, String purpose, String legalBasis, String source,
                              List<Link> links, List<String> tenants, Retention retention, Erasure erasure, Condition blocksErasure,
                              List<MappedColumn> columns, int line) {
        public MappedTable {
            links = links == null ? List.of() : List.copyOf(links);
            tenants = tenants == null ? List.of() : List.copyOf(tenants);
            columns = List.copyOf(columns);
        }

        /** Whether the rows name their own tenant (in one or more columns), so a tenant scope reads them directly. */
        public boolean hasRowTenant() {
            return !tenants.isEmpty();
        }

        /** Whether rows of this table can belong to a subject. */
        public boolean linked() {
            return !links.isEmpty();
        }

        /** The subject's own table links to 'subject'. */
        public boolean isSubjectRoot() {
            return links.stream().anyMatch(Link::isSubjectRoot);
        }

        public Optional<MappedColumn> column(String name) {
            return columns.stream().filter(c -> c.name().equals(name)).findFirst();
        }

        MappedTable withLinks(List<Link> kept) {
            return kept.size() == links.size() ? this : new MappedTable(store, name, category, purpose, legalBasis, source, kept, tenants,
                    retention, erasure, blocksErasure, columns, line);
        }
    }

    public record Recipient(String name, String kind, List<String> categories, String transfer, String contentNote) {
        public Recipient {
            categories = List.copyOf(categories);
        }
    }

    /** The same map with the subjects' key and tenant types filled in. */
    public DataMap withSubjects(List<Subject> typed) {
        return new DataMap(version, description, stores, typed, tables, recipients);
    }

    /** Whether the map declares stored content (prompts, completions): the intake answer and letters must say so. */
    public boolean holdsContent() {
        return tables.stream().anyMatch(t -> "content".equals(t.category())
                || t.columns().stream().anyMatch(c -> "content".equals(c.category())));
    }

    public Optional<MappedTable> table(String store, String name) {
        return tables.stream().filter(t -> t.store().equals(store) && t.name().equals(name)).findFirst();
    }
}
