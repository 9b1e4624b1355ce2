package io.quaestor.datamap.entity;

import java.util.List;
import java.util.Optional;

/** A validated data map. Identifiers in it are safe to quote into SQL: they were checked against the live schema. */
public record DataMap(String version, String description, List<Store> stores, Subject subject, List<MappedTable> tables,
                      List<Recipient> recipients) {

    public DataMap {
        stores = List.copyOf(stores);
        tables = List.copyOf(tables);
        recipients = List.copyOf(recipients);
    }

    public record Store(String name, String datasource, String region) {
    }

    /**
     * {@code tenant} is the column of the subject's table naming the customer (tenant) the subject
     * belongs to; {@code restrictionFlag}, when given, the boolean column that restricts processing.
     */
    public record Subject(String store, String table, String key, String tenant, String restrictionFlag,
                          List<Identifier> identifiers, List<Membership> memberships, String keyType, String tenantType) {
        public Subject {
            identifiers = List.copyOf(identifiers);
            memberships = memberships == null ? List.of() : List.copyOf(memberships);
        }

        /** As read from the file: the key and tenant types are learnt from the live schema by the validator. */
        public Subject(String store, String table, String key, String tenant, String restrictionFlag, List<Identifier> identifiers,
                       List<Membership> memberships) {
            this(store, table, key, tenant, restrictionFlag, identifiers, memberships, null, null);
        }

        /** With the type family (uuid, integer or text) of the key and the tenant, as the store has them. */
        public Subject typed(String keyType, String tenantType) {
            return new Subject(store, table, key, tenant, restrictionFlag, identifiers, memberships, keyType, tenantType);
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
    }

    public record Recipient(String name, String kind, List<String> categories, String transfer, String contentNote) {
        public Recipient {
            categories = List.copyOf(categories);
        }
    }

    /** The same map with the subject's key and tenant types filled in. */
    public DataMap withSubject(Subject typed) {
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
