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
                          List<Identifier> identifiers) {
        public Subject {
            identifiers = List.copyOf(identifiers);
        }
    }

    public record Identifier(String kind, String table, String column, String match) {
    }

    /** {@code references} is "subject" for the subject's own table, else "table.column". */
    public record Link(String column, String references) {
        public boolean isSubjectRoot() {
            return "subject".equals(references);
        }

        public String referencedTable() {
            return references.substring(0, references.indexOf('.'));
        }

        public String referencedColumn() {
            return references.substring(references.indexOf('.') + 1);
        }
    }

    public record TenantOverride(String table, String column, String via) {
    }

    public record Retention(String clockColumn, int periodDays, String trigger, TenantOverride tenantOverride,
                            Integer legalFloorYears, String ground) {
    }

    public record Erasure(String strategy, String ground, Integer retainYears) {
    }

    public record MappedColumn(String name, String label, boolean export, Erasure erasure) {
    }

    /** A row condition: {@code column = value} (the value compared as text). */
    public record Condition(String column, String equals) {
    }

    /**
     * {@code blocksErasure}, when given, marks rows that must not be erased without a second
     * officer's approval (for example invoices still open).
     */
    public record MappedTable(String store, String name, String category, String purpose, String legalBasis, String source,
                              Link link, Retention retention, Erasure erasure, Condition blocksErasure, List<MappedColumn> columns,
                              int line) {
        public MappedTable {
            columns = List.copyOf(columns);
        }
    }

    public record Recipient(String name, String kind, List<String> categories, String transfer, String contentNote) {
        public Recipient {
            categories = List.copyOf(categories);
        }
    }

    public Optional<MappedTable> table(String store, String name) {
        return tables.stream().filter(t -> t.store().equals(store) && t.name().equals(name)).findFirst();
    }
}
