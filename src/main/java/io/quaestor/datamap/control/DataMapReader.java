package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.JsonPath;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a data map file into its model, checking the shape that {@code datamap.schema.json}
 * describes: required members present, no unknown members, types, enumerations and identifier
 * syntax. Every problem is collected with its line and element before anything is rejected.
 * Cross-references and the live schema are checked afterwards by {@link DataMapValidator}.
 */
public final class DataMapReader {

    static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_-]{0,62}");
    /** A table or column name as the database has it: any case, spaces or punctuation, no control characters. */
    static final Pattern DATABASE_NAME = Pattern.compile("[^\\p{Cntrl}]{1,63}");
    static final Set<String> CATEGORIES = Set.of("account", "billing", "technical-metadata", "security", "console", "system-log",
            "content");
    static final Set<String> STRATEGIES = Set.of("delete-row", "set-null", "pseudonymize", "retain", "remove-element", "edit-json");
    static final Set<String> IDENTIFIER_KINDS = Set.of("email", "account-id", "api-key-prefix", "api-key", "organization");

    /** A map as read, with the line of every element, for the validator's messages. */
    public record Result(DataMap map, String file, Map<String, Integer> lines) {
        public int lineOf(String element) {
            for (String path = element; !path.isEmpty(); path = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "") {
                Integer line = lines.get(path);
                if (line != null) {
                    return line;
                }
            }
            return 1;
        }
    }

    private final String file;
    private final List<DataMapException.Problem> problems = new ArrayList<>();
    private final Map<String, Integer> lines = new HashMap<>();

    private DataMapReader(String file) {
        this.file = file;
    }

    public static Result read(Reader reader, String file) {
        DataMapReader mapReader = new DataMapReader(file);
        DataMap map = mapReader.map(LocatedJson.parse(reader, file));
        if (!mapReader.problems.isEmpty()) {
            throw new DataMapException(mapReader.problems);
        }
        return new Result(map, file, Map.copyOf(mapReader.lines));
    }

    private DataMap map(LocatedJson root) {
        Fields f = object(root, "(document)", Set.of("version", "description", "stores", "subject", "subjects", "tables", "recipients"));
        if (f == null) {
            return null;
        }
        return new DataMap(f.text("version", true), f.text("description", false),
                f.list("stores", true, this::store), subjects(f, root),
                f.list("tables", true, this::table), f.list("recipients", true, this::recipient));
    }

    /** One subject ({@code subject}, its kind named or not) or several kinds ({@code subjects}, each named). */
    private List<DataMap.Subject> subjects(Fields f, LocatedJson root) {
        boolean one = f.obj.members().containsKey("subject");
        boolean several = f.obj.members().containsKey("subjects");
        if (one == several) {
            problem(root.line(), "(document).subject", one ? "name either 'subject' (one kind) or 'subjects' (several), not both"
                    : "is required (or 'subjects', for several kinds of subject)");
            return List.of();
        }
        if (one) {
            DataMap.Subject subject = subject(f.member("subject", true), false);
            return subject == null ? List.of() : List.of(subject);
        }
        List<DataMap.Subject> kinds = f.list("subjects", true, e -> subject(e, true));
        if (kinds.isEmpty() && problems.isEmpty()) {
            problem(root.line(), "(document).subjects", "must name at least one kind of subject");
        }
        return kinds;
    }

    private DataMap.Store store(Element e) {
        Fields f = object(e.json, e.path, Set.of("name", "datasource", "region", "schema"));
        return f == null ? null : new DataMap.Store(f.identifier("name"), f.text("datasource", true),
                f.oneOf("region", Set.of("global", "cn", "eu", "us"), true), f.optionalName("schema"));
    }

    private DataMap.Subject subject(Element e, boolean named) {
        if (e == null) {
            return null;
        }
        Fields f = object(e.json, e.path, Set.of("name", "store", "table", "key", "tenant", "restrictionFlag", "identifiers",
                "memberships"));
        if (f == null) {
            return null;
        }
        String name = named || f.obj.members().containsKey("name") ? f.identifier("name") : DataMap.DEFAULT_KIND;
        return new DataMap.Subject(name, f.identifier("store"), f.name("table"), f.name("key"),
                f.optionalName("tenant"), f.optionalName("restrictionFlag"), f.list("identifiers", true, this::identifier),
                f.list("memberships", false, this::membership));
    }

    private DataMap.Membership membership(Element e) {
        Fields f = object(e.json, e.path, Set.of("table", "subjectColumn", "tenantColumn"));
        if (f == null) {
            return null;
        }
        boolean table = f.obj.members().containsKey("table");
        if (table != f.obj.members().containsKey("subjectColumn")) {
            problem(e.json.line(), e.path, "a membership table names both 'table' and 'subjectColumn'; an array column of the"
                    + " subject's table names only 'tenantColumn'");
            return null;
        }
        return new DataMap.Membership(table ? f.name("table") : null, table ? f.name("subjectColumn") : null, f.name("tenantColumn"));
    }

    private DataMap.Identifier identifier(Element e) {
        Fields f = object(e.json, e.path, Set.of("kind", "table", "column", "match", "hash"));
        if (f == null) {
            return null;
        }
        DataMap.Identifier identifier = new DataMap.Identifier(f.oneOf("kind", IDENTIFIER_KINDS, true), f.name("table"),
                f.name("column"), f.oneOf("match", Set.of("exact", "case-insensitive"), true), f.oneOf("hash", Set.of("sha256"), false));
        if ("api-key".equals(identifier.kind()) && identifier.hash() == null) {
            problem(e.json.line(), e.path + ".hash", "an 'api-key' identifier is matched by its hash: name the algorithm (sha256)");
        }
        return identifier;
    }

    private DataMap.MappedTable table(Element e) {
        Fields f = object(e.json, e.path, Set.of("store", "name", "category", "purpose", "legalBasis", "source", "link", "links",
                "tenant", "retention", "erasure", "blocksErasure", "columns"));
        if (f == null) {
            return null;
        }
        List<DataMap.Link> links = new ArrayList<>();
        Element single = f.member("link", false);
        if (single != null) {
            links.add(link(single));
        }
        if (f.obj.members().containsKey("links")) {
            if (single != null) {
                problem(e.json.line(), e.path + ".links", "give either 'link' or 'links', not both");
            }
            links.addAll(f.list("links", true, this::link));
        }
        links.removeIf(java.util.Objects::isNull);
        return new DataMap.MappedTable(f.identifier("store"), f.name("name"), f.oneOf("category", CATEGORIES, true),
                f.text("purpose", true), f.oneOf("legalBasis", Set.of("contract", "legal obligation", "legitimate interest", "consent"), true),
                f.text("source", true), links, tenants(f), retention(f.member("retention", false)),
                erasure(f.member("erasure", false)), condition(f.member("blocksErasure", false)), f.list("columns", true, this::column),
                e.json.line());
    }

    /** "tenant": one column or several (a row may name its team and its organization). */
    private List<String> tenants(Fields f) {
        Element e = f.member("tenant", false);
        if (e == null) {
            return List.of();
        }
        if (e.json instanceof LocatedJson.Arr) {
            return f.list("tenant", true, c -> {
                if (c.json instanceof LocatedJson.Val v && v.value() instanceof JsonString s && DATABASE_NAME.matcher(s.getString()).matches()) {
                    return s.getString();
                }
                problem(c.json.line(), c.path, "must be a column name");
                return null;
            });
        }
        String column = f.name("tenant");
        return column == null ? List.of() : List.of(column);
    }

    private DataMap.Condition condition(Element e) {
        if (e == null) {
            return null;
        }
        Fields f = object(e.json, e.path, Set.of("column", "equals"));
        return f == null ? null : new DataMap.Condition(f.name("column"), f.text("equals", true));
    }

    private DataMap.Link link(Element e) {
        if (e == null) {
            return null;
        }
        Fields f = object(e.json, e.path, Set.of("column", "references", "path", "array"));
        if (f == null) {
            return null;
        }
        String column = f.name("column");
        JsonPath path = null;
        String pathText = f.text("path", false);
        if (pathText != null) {
            path = JsonPath.parse(pathText).orElse(null);
            if (path == null) {
                problem(e.json.line(), e.path + ".path", "unknown JSON path syntax '" + pathText
                        + "': keys separated by '.', each optionally followed by [*] (e.g. members_with_roles[*].user_id)");
            }
        }
        boolean array = Boolean.TRUE.equals(f.bool("array"));
        if (array && pathText != null) {
            problem(e.json.line(), e.path + ".array", "a JSON link reaches array elements with [*] in its path, not with 'array'");
        }
        Element references = f.member("references", true);
        if (references == null) {
            return null;
        }
        if (references.json instanceof LocatedJson.Val v && v.value() instanceof JsonString text) {
            String ref = text.getString();
            if (ref.equals("subject")) {
                return new DataMap.Link(column, null, null, path, array);
            }
            int dot = ref.indexOf('.');
            if (dot > 0 && dot == ref.lastIndexOf('.') && dot < ref.length() - 1) {
                return new DataMap.Link(column, ref.substring(0, dot), ref.substring(dot + 1), path, array);
            }
            problem(references.json.line(), references.path, "must be 'subject', table.column, or {\"table\": …, \"column\": …}"
                    + " when a name holds a dot");
            return null;
        }
        Fields target = object(references.json, references.path, Set.of("table", "column"));
        return target == null ? null : new DataMap.Link(column, target.name("table"), target.name("column"), path, array);
    }

    private DataMap.Retention retention(Element e) {
        if (e == null) {
            return null;
        }
        Fields f = object(e.json, e.path, Set.of("clockColumn", "periodDays", "trigger", "tenantOverride", "legalFloorYears", "ground",
                "key"));
        if (f == null) {
            return null;
        }
        Element override = f.member("tenantOverride", false);
        DataMap.TenantOverride tenant = null;
        if (override != null) {
            Fields o = object(override.json, override.path, Set.of("table", "column", "via", "key", "path", "source"));
            boolean quaestor = o != null && "quaestor".equals(o.oneOf("source", Set.of("gateway", "quaestor"), false));
            if (quaestor) {
                for (String member : List.of("table", "column", "key", "path")) {
                    if (o.obj.members().containsKey(member)) {
                        problem(override.json.line(), override.path + "." + member, "a setting kept by Quaestor names only 'via'");
                    }
                }
                return new DataMap.Retention(f.name("clockColumn"), orZero(f.integer("periodDays", true, 1, 36_500)),
                        f.oneOf("trigger", Set.of("account-closed"), false), new DataMap.TenantOverride(null, null, o.name("via"), null,
                        null, true), f.integer("legalFloorYears", false, 1, 100), f.text("ground", false), f.optionalName("key"));
            }
            String pathText = o == null ? null : o.text("path", false);
            JsonPath path = pathText == null ? null : JsonPath.parse(pathText).filter(JsonPath::scalar).orElse(null);
            if (pathText != null && path == null) {
                problem(override.json.line(), override.path + ".path", "unknown JSON path syntax '" + pathText + "': one key, as a.b (no [*])");
            }
            tenant = o == null ? null : new DataMap.TenantOverride(o.name("table"), o.name("column"), o.name("via"),
                    o.optionalName("key"), path, false);
        }
        return new DataMap.Retention(f.name("clockColumn"), orZero(f.integer("periodDays", true, 1, 36_500)),
                f.oneOf("trigger", Set.of("account-closed"), false), tenant, f.integer("legalFloorYears", false, 1, 100),
                f.text("ground", false), f.optionalName("key"));
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private DataMap.Erasure erasure(Element e) {
        if (e == null) {
            return null;
        }
        Fields f = object(e.json, e.path, Set.of("strategy", "ground", "retainYears", "edits"));
        if (f == null) {
            return null;
        }
        String strategy = f.oneOf("strategy", STRATEGIES, true);
        List<DataMap.JsonEdit> edits = f.list("edits", "edit-json".equals(strategy), this::edit);
        if (!"edit-json".equals(strategy) && f.obj.members().containsKey("edits")) {
            problem(e.json.line(), e.path + ".edits", "edits belong to the strategy 'edit-json'");
        }
        return new DataMap.Erasure(strategy, f.text("ground", false), f.integer("retainYears", false, 1, 100), edits);
    }

    private DataMap.JsonEdit edit(Element e) {
        Fields f = object(e.json, e.path, Set.of("path", "strategy"));
        if (f == null) {
            return null;
        }
        String text = f.text("path", true);
        String strategy = f.oneOf("strategy", Set.of("remove", "pseudonymize"), true);
        JsonPath path = text == null ? null : JsonPath.parse(text).filter(JsonPath::scalar).orElse(null);
        if (text != null && path == null) {
            problem(e.json.line(), e.path + ".path", "unknown JSON path syntax '" + text + "': an edit names one key, as a.b (no [*])");
        }
        return path == null || strategy == null ? null : new DataMap.JsonEdit(path, strategy);
    }

    private DataMap.MappedColumn column(Element e) {
        Fields f = object(e.json, e.path, Set.of("name", "label", "export", "erasure", "category"));
        return f == null ? null : new DataMap.MappedColumn(f.name("name"), f.text("label", true),
                Boolean.TRUE.equals(f.bool("export")), erasure(f.member("erasure", false)), f.oneOf("category", CATEGORIES, false));
    }

    private DataMap.Recipient recipient(Element e) {
        Fields f = object(e.json, e.path, Set.of("name", "kind", "categories", "transfer", "contentNote"));
        if (f == null) {
            return null;
        }
        List<String> categories = f.list("categories", true, c -> {
            if (c.json instanceof LocatedJson.Val v && v.value() instanceof JsonString s && CATEGORIES.contains(s.getString())) {
                return s.getString();
            }
            problem(c.json.line(), c.path, "must be one of " + CATEGORIES);
            return null;
        });
        return new DataMap.Recipient(f.text("name", true), f.oneOf("kind", Set.of("model-provider", "payment-processor", "cloud", "other"), true),
                categories, f.text("transfer", true), f.text("contentNote", false));
    }

    private record Element(LocatedJson json, String path) {
    }

    private Fields object(LocatedJson json, String path, Set<String> allowed) {
        lines.put(path, json.line());
        if (!(json instanceof LocatedJson.Obj obj)) {
            problem(json.line(), path, "must be an object");
            return null;
        }
        obj.members().forEach((name, value) -> {
            if (!allowed.contains(name)) {
                problem(value.line(), path + "." + name, "unknown member (allowed: " + allowed + ")");
            }
        });
        return new Fields(obj, path);
    }

    private void problem(int line, String element, String message) {
        problems.add(new DataMapException.Problem(file, line, element, message));
    }

    /** Typed access to an object's members; a wrong or missing member is recorded, not thrown. */
    private final class Fields {
        private final LocatedJson.Obj obj;
        private final String path;

        Fields(LocatedJson.Obj obj, String path) {
            this.obj = obj;
            this.path = path;
        }

        Element member(String name, boolean required) {
            LocatedJson value = obj.members().get(name);
            if (value == null) {
                if (required) {
                    problem(obj.line(), path + "." + name, "is required");
                }
                return null;
            }
            lines.put(path + "." + name, value.line());
            return new Element(value, path + "." + name);
        }

        String text(String name, boolean required) {
            Element e = member(name, required);
            if (e == null) {
                return null;
            }
            if (e.json instanceof LocatedJson.Val v && v.value() instanceof JsonString s && !s.getString().isBlank()) {
                return s.getString();
            }
            problem(e.json.line(), e.path, "must be a non-empty string");
            return null;
        }

        String optionalName(String name) {
            return obj.members().containsKey(name) ? name(name) : null;
        }

        /** A table or column name, kept exactly as written (it is always quoted in SQL). */
        String name(String name) {
            String value = text(name, true);
            if (value != null && !DATABASE_NAME.matcher(value).matches()) {
                problem(obj.members().get(name).line(), path + "." + name, "must be a table or column name of 1 to 63 characters"
                        + " without control characters");
                return null;
            }
            return value;
        }

        String identifier(String name) {
            String value = text(name, true);
            if (value != null && !IDENTIFIER.matcher(value).matches()) {
                problem(obj.members().get(name).line(), path + "." + name, "must be a lower-case identifier");
                return null;
            }
            return value;
        }

        String oneOf(String name, Set<String> values, boolean required) {
            String value = text(name, required);
            if (value != null && !values.contains(value)) {
                problem(obj.members().get(name).line(), path + "." + name, "must be one of " + values);
                return null;
            }
            return value;
        }

        Integer integer(String name, boolean required, int min, int max) {
            Element e = member(name, required);
            if (e == null) {
                return null;
            }
            if (e.json instanceof LocatedJson.Val v && v.value() instanceof JsonNumber n && n.isIntegral()
                    && n.longValue() >= min && n.longValue() <= max) {
                return n.intValue();
            }
            problem(e.json.line(), e.path, "must be an integer from " + min + " to " + max);
            return null;
        }

        Boolean bool(String name) {
            Element e = member(name, false);
            if (e == null) {
                return null;
            }
            if (e.json instanceof LocatedJson.Val v && (v.value() == JsonValue.TRUE || v.value() == JsonValue.FALSE)) {
                return v.value() == JsonValue.TRUE;
            }
            problem(e.json.line(), e.path, "must be true or false");
            return null;
        }

        <T> List<T> list(String name, boolean required, Function<Element, T> item) {
            Element e = member(name, required);
            if (e == null) {
                return List.of();
            }
            if (!(e.json instanceof LocatedJson.Arr arr)) {
                problem(e.json.line(), e.path, "must be an array");
                return List.of();
            }
            List<T> items = new ArrayList<>();
            for (int i = 0; i < arr.items().size(); i++) {
                lines.put(e.path + "[" + i + "]", arr.items().get(i).line());
                T value = item.apply(new Element(arr.items().get(i), e.path + "[" + i + "]"));
                if (value != null) {
                    items.add(value);
                }
            }
            return items;
        }
    }
}
