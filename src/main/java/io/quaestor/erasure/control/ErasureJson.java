package io.quaestor.erasure.control;

import io.quaestor.datamap.control.SubjectErasure;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plans, applied actions and scans as JSON, for the run's record and its certificate. */
final class ErasureJson {

    private ErasureJson() {
    }

    static JsonArray actions(List<SubjectErasure.TableAction> actions) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (SubjectErasure.TableAction a : actions) {
            JsonObjectBuilder columns = Json.createObjectBuilder();
            a.columns().forEach(columns::add);
            JsonObjectBuilder o = Json.createObjectBuilder().add("store", a.store()).add("table", a.table())
                    .add("category", a.category()).add("strategy", a.strategy()).add("rows", a.rows()).add("columns", columns);
            if (a.ground() != null) {
                o.add("ground", a.ground());
            }
            if (a.retainYears() != null) {
                o.add("retainYears", a.retainYears());
            }
            if (a.clockColumn() != null) {
                o.add("clockColumn", a.clockColumn());
            }
            array.add(o);
        }
        return array.build();
    }

    static List<SubjectErasure.TableAction> actions(String json) {
        List<SubjectErasure.TableAction> actions = new ArrayList<>();
        for (JsonValue v : Json.createReader(new StringReader(json)).readArray()) {
            JsonObject o = v.asJsonObject();
            Map<String, String> columns = new LinkedHashMap<>();
            o.getJsonObject("columns").forEach((k, c) -> columns.put(k, ((jakarta.json.JsonString) c).getString()));
            actions.add(new SubjectErasure.TableAction(o.getString("store"), o.getString("table"), o.getString("category"),
                    o.getString("strategy"), o.getJsonNumber("rows").longValue(), columns, o.getString("ground", null),
                    o.containsKey("retainYears") ? o.getInt("retainYears") : null, o.getString("clockColumn", null)));
        }
        return actions;
    }

    static JsonObject scan(SubjectErasure.Scan scan, Map<String, List<String>> identifiers) {
        JsonObjectBuilder searched = Json.createObjectBuilder();
        identifiers.forEach((kind, values) -> searched.add(kind, values.size()));
        JsonArrayBuilder tables = Json.createArrayBuilder();
        scan.coverage().forEach(t -> {
            JsonObjectBuilder table = Json.createObjectBuilder().add("table", t.table()).add("mapped", t.mapped())
                    .add("columnsSearched", t.columns()).add("rowsRead", t.rows());
            if (t.unreadable() != null) {
                table.add("unreadable", t.unreadable());
            }
            tables.add(table);
        });
        return Json.createObjectBuilder().add("clean", scan.clean()).add("linkedRows", scan.linkedRows())
                .add("identifiersSearched", searched)
                .add("method", "every text, uuid, JSON and array column of every table of the store, mapped or not, read in one full"
                        + " pass per table: email addresses anywhere in a value, ids, key hashes and prefixes as whole values")
                .add("tablesSearched", tables)
                .add("identifiersInClear", findings(scan.identifiersInClear()))
                .add("pseudonymsFound", findings(scan.pseudonyms())).build();
    }

    private static JsonArray findings(List<SubjectErasure.Finding> findings) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        findings.forEach(f -> array.add(Json.createObjectBuilder().add("table", f.table()).add("column", f.column())
                .add("rows", f.rows()).add("retainedByLaw", f.retained()).add("mapped", f.mapped())));
        return array.build();
    }

    static JsonObject object(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }
}
