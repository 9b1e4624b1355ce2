package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;

/**
 * The SQL of tenants' own retention settings, where the map lets tenants set one: read every
 * tenant's days, or write one tenant's. The days may be a number column of any type or a key of a
 * JSON column (LiteLLM keeps such settings in a team's {@code metadata}); what is not a whole
 * number of days is read as "not set".
 */
public final class RetentionSettings {

    private RetentionSettings() {
    }

    /** The settings table's column holding the tenant's id: as declared, else the table's first link column, else {@code id}. */
    public static String keyOf(DataMap map, String store, DataMap.TenantOverride override) {
        if (override.key() != null) {
            return override.key();
        }
        return map.table(store, override.table()).filter(DataMap.MappedTable::linked).map(t -> t.links().get(0).column()).orElse("id");
    }

    /** Each tenant (as text) and its days (null where unset or not a whole number). */
    public static String read(DataMap map, String store, DataMap.TenantOverride override) {
        String value = override.path() == null ? SubjectQueries.q(override.column()) + "::text"
                : override.path().textOf(SubjectQueries.q(override.column()));
        return "SELECT " + SubjectQueries.q(keyOf(map, store, override)) + "::text, CASE WHEN " + value + " ~ '^[0-9]{1,6}(\\.0+)?$' THEN ("
                + value + ")::numeric::int END FROM " + SubjectQueries.q(override.table()) + " ORDER BY 1";
    }

    /** Sets one tenant's days; parameters: the days, the tenant id as text. */
    public static String write(DataMap map, String store, DataMap.TenantOverride override) {
        String column = SubjectQueries.q(override.column());
        String value = override.path() == null ? "?" : "jsonb_set(coalesce(" + column + "::jsonb, '{}'::jsonb), '"
                + override.path().pgPath() + "', to_jsonb(?::int), true)";
        return "UPDATE " + SubjectQueries.q(override.table()) + " SET " + column + " = " + value + " WHERE "
                + SubjectQueries.q(keyOf(map, store, override)) + "::text = ?";
    }
}
