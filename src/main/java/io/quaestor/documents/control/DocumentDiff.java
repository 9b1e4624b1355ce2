package io.quaestor.documents.control;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What changed between two versions of a document, in sentences a person reads ("Kept for:
 * gateway-global.request_metadata: 90 days → 60 days"), and whether the change is material:
 * it lowers protection (data kept longer) or adds a recipient. Table rows are matched by their
 * first cell; paragraphs and items are compared per section.
 */
public final class DocumentDiff {

    public record Change(String text, boolean material) {
    }

    /** The first amount of time in a cell: a number and, where given, its unit (English or German). */
    private static final Pattern FIRST_PERIOD = Pattern.compile("(\\d+)(?:\\s+(hours?|Stunden?|days?|Tagen?|Tage|months?|Monate?n?|years?|Jahren?|Jahre))?");

    private DocumentDiff() {
    }

    public static List<Change> between(JsonObject before, JsonObject after) {
        List<Change> changes = new ArrayList<>();
        Map<String, JsonObject> old = sections(before);
        Map<String, JsonObject> now = sections(after);
        for (Map.Entry<String, JsonObject> section : now.entrySet()) {
            JsonObject was = old.get(section.getKey());
            if (was == null) {
                changes.add(new Change("New section: " + section.getKey(), false));
                continue;
            }
            if (!Objects.equals(was.get("paragraphs"), section.getValue().get("paragraphs"))
                    || !Objects.equals(was.get("items"), section.getValue().get("items"))) {
                changes.add(new Change(section.getKey() + ": the wording changed", false));
            }
            if (section.getValue().containsKey("table") && was.containsKey("table")) {
                tableChanges(section.getKey(), was.getJsonObject("table"), section.getValue().getJsonObject("table"), changes);
            }
        }
        old.keySet().stream().filter(k -> !now.containsKey(k)).forEach(k -> changes.add(new Change("Section removed: " + k, false)));
        return changes;
    }

    private static void tableChanges(String section, JsonObject before, JsonObject after, List<Change> changes) {
        List<String> columns = strings(after.getJsonArray("columns"));
        Map<String, List<String>> old = rows(before);
        Map<String, List<String>> now = rows(after);
        boolean recipients = isRecipientSection(columns);
        for (Map.Entry<String, List<String>> row : now.entrySet()) {
            List<String> was = old.get(row.getKey());
            if (was == null) {
                changes.add(new Change(section + ": new " + row.getKey() + " (" + String.join("; ", row.getValue().subList(1, row.getValue().size())) + ")",
                        recipients));
                continue;
            }
            for (int i = 1; i < columns.size() && i < row.getValue().size() && i < was.size(); i++) {
                if (!was.get(i).equals(row.getValue().get(i))) {
                    changes.add(new Change(section + ": " + row.getKey() + ": " + columns.get(i) + ": " + was.get(i) + " → " + row.getValue().get(i),
                            keptLonger(columns.get(i), was.get(i), row.getValue().get(i))));
                }
            }
        }
        old.keySet().stream().filter(k -> !now.containsKey(k))
                .forEach(k -> changes.add(new Change(section + ": " + k + " removed", false)));
    }

    /** The recipients table is the one whose last column is the transfer safeguard. */
    private static boolean isRecipientSection(List<String> columns) {
        String last = columns.get(columns.size() - 1).toLowerCase(java.util.Locale.ROOT);
        return last.contains("transfer") || last.contains("übermittlung");
    }

    /** A period that grew keeps data longer: less protection, so material. Units count, so 1 year → 6 months is not longer. */
    private static boolean keptLonger(String column, String before, String after) {
        Matcher b = FIRST_PERIOD.matcher(before);
        Matcher a = FIRST_PERIOD.matcher(after);
        if (!b.find() || !a.find()) {
            return !before.equals(after) && (column.toLowerCase(java.util.Locale.ROOT).contains("kept") || column.contains("Aufbewahrung"));
        }
        return hours(a) > hours(b);
    }

    private static long hours(Matcher m) {
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "d" : m.group(2).toLowerCase(java.util.Locale.ROOT);
        if (unit.startsWith("h") || unit.startsWith("s")) {
            return amount;
        }
        if (unit.startsWith("m")) {
            return amount * 31 * 24;
        }
        if (unit.startsWith("y") || unit.startsWith("j")) {
            return amount * 366 * 24;
        }
        return amount * 24;
    }

    private static Map<String, JsonObject> sections(JsonObject document) {
        Map<String, JsonObject> sections = new LinkedHashMap<>();
        for (JsonValue v : document.getJsonArray("sections")) {
            sections.put(v.asJsonObject().getString("heading"), v.asJsonObject());
        }
        return sections;
    }

    private static Map<String, List<String>> rows(JsonObject table) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (JsonValue row : table.getJsonArray("rows")) {
            List<String> cells = strings(row.asJsonArray());
            rows.put(cells.get(0), cells);
        }
        return rows;
    }

    private static List<String> strings(jakarta.json.JsonArray array) {
        return array.stream().map(v -> ((JsonString) v).getString()).toList();
    }
}
