package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;
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
    static final Set<String> CATEGORIES = Set.of("account", "billing", "technical-metadata", "security", "console", "system-log");
    static final Set<String> STRATEGIES = Set.of("delete-row", "set-null", "pseudonymize", "retain");

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
        Fields f = object(root, "(document)", Set.of("version", "description", "stores", "subject", "tables", "recipients"));
        if (f == null) {
            return null;
        }
        return new DataMap(f.text("version", true), f.text("description", false),
                f.list("stores", true, this::store), subject(f.member("subject", true)),
                f.list("tables", true, this::table), f.list("recipients", true, this::recipient));
    }

    private DataMap.Store store(Element e) {
        Fields f = object(e.json, e.path, Set.of("name", "datasource", "region"));
        return f == null ? null : new DataMap.Store(f.identifier("name"), f.text("datasource", true),
                f.oneOf("region", Set.of("global", "cn", "eu", "us"), true));
    }

    private DataMap.Subject subject(Element e) {
        if (e == null) {
            return null;
        }
        Fields f = object(e.json, e.path, Set.of("store", "table", "key", "tenant", "restrictionFlag", "identifiers"));
        return f == null ? null : new DataMap.Subject(f.identifier("store"), f.identifier("table"), f.identifier("key"),
                f.identifier("tenant"), f.optionalIdentifier("restrictionFlag"), f.list("identifiers", true, this::identifier));
    }

    private DataMap.Identifier identifier(Element e) {
        Fields f = object(e.json, e.path, Set.of("kind", "table", "column", "match"));
        return f == null ? null : new DataMap.Identifier(
                f.oneOf("kind", Set.of("email", "account-id", "api-key-prefix", "organization"), true),
                f.identifier("table"), f.identifier("column"), f.oneOf("match", Set.of("exact", "case-insensitive"), true));
    }

    private DataMap.MappedTable table(Element e) {
        Fields f = object(e.json, e.path, Set.of("store", "name", "category", "purpose", "legalBasis", "source", "link",
                "retention", "erasure", "blocksErasure", "columns"));
        if (f == null) {
            return null;
        }
        return new DataMap.MappedTable(f.identifier("store"), f.identifier("name"), f.oneOf("category", CATEGORIES, true),
                f.text("purpose", true), f.oneOf("legalBasis", Set.of("contract", "legal obligation", "legitimate interest", "consent"), true),
                f.text("source", true), link(f.member("link", false)), retention(f.member("retention", false)),
                erasure(f.member("erasure", false)), condition(f.member("blocksErasure", false)), f.list("columns", true, this::column),
                e.json.line());
    }

    private DataMap.Condition condition(Element e) {
        if (e == null) {
            return null;
        }
        Fields f = object(e.json, e.path, Set.of("column", "equals"));
        return f == null ? null : new DataMap.Condition(f.identifier("column"), f.text("equals", true));
    }

    private DataMap.Link link(Element e) {
        if (e == null) {
            return null;
        }
        Fields f = object(e.json, e.path, Set.of("column", "references"));
        if (f == null) {
            return null;
        }
        String references = f.text("references", true);
        if (references != null && !references.equals("subject") && !references.matches("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*")) {
            problem(e.json.line(), e.path + ".references", "must be 'subject' or table.column");
        }
        return new DataMap.Link(f.identifier("column"), references);
    }

    private DataMap.Retention retention(Element e) {
        if (e == null) {
            return null;
        }
        Fields f = object(e.json, e.path, Set.of("clockColumn", "periodDays", "trigger", "tenantOverride", "legalFloorYears", "ground"));
        if (f == null) {
            return null;
        }
        Element override = f.member("tenantOverride", false);
        DataMap.TenantOverride tenant = null;
        if (override != null) {
            Fields o = object(override.json, override.path, Set.of("table", "column", "via"));
            tenant = o == null ? null : new DataMap.TenantOverride(o.identifier("table"), o.identifier("column"), o.identifier("via"));
        }
        Integer period = f.integer("periodDays", true, 1, 36_500);
        return new DataMap.Retention(f.identifier("clockColumn"), period == null ? 0 : period,
                f.oneOf("trigger", Set.of("account-closed"), false), tenant, f.integer("legalFloorYears", false, 1, 100),
                f.text("ground", false));
    }

    private DataMap.Erasure erasure(Element e) {
        if (e == null) {
            return null;
        }
        Fields f = object(e.json, e.path, Set.of("strategy", "ground", "retainYears"));
        return f == null ? null : new DataMap.Erasure(f.oneOf("strategy", STRATEGIES, true), f.text("ground", false),
                f.integer("retainYears", false, 1, 100));
    }

    private DataMap.MappedColumn column(Element e) {
        Fields f = object(e.json, e.path, Set.of("name", "label", "export", "erasure"));
        return f == null ? null : new DataMap.MappedColumn(f.identifier("name"), f.text("label", true),
                Boolean.TRUE.equals(f.bool("export")), erasure(f.member("erasure", false)));
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

        String optionalIdentifier(String name) {
            return obj.members().containsKey(name) ? identifier(name) : null;
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
                T value = item.apply(new Element(arr.items().get(i), e.path + "[" + i + "]"));
                if (value != null) {
                    items.add(value);
                }
            }
            return items;
        }
    }
}
