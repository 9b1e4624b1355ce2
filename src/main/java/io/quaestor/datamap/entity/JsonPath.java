package io.quaestor.datamap.entity;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A path into a JSON column, as a map author writes it: keys separated by dots, each optionally
 * followed by {@code [*]} for every element of an array, or a leading {@code [*]} when the value
 * itself is an array ({@code user_api_key_user_id}, {@code members_with_roles[*].user_id},
 * {@code [*].email}). Keys are letters, digits and {@code _ - : @}, so a path is safe to write
 * into SQL as a literal; anything else (quotes, indexes, filters, {@code $.}) is refused.
 */
public record JsonPath(String text, List<Segment> segments) {

    private static final String KEY = "[A-Za-z0-9_:@-]{1,128}";
    private static final Pattern SYNTAX = Pattern.compile("(?:" + KEY + "(?:\\[\\*])?|\\[\\*])(?:\\." + KEY + "(?:\\[\\*])?)*");

    /** A key (null for a leading {@code [*]}) and whether every element of the array there is meant. */
    public record Segment(String key, boolean each) {
    }

    public JsonPath {
        segments = List.copyOf(segments);
    }

    /** The path, or empty when it is not in the syntax above. */
    public static Optional<JsonPath> parse(String text) {
        if (text == null || !SYNTAX.matcher(text).matches()) {
            return Optional.empty();
        }
        List<Segment> segments = new ArrayList<>();
        for (String part : text.split("\\.")) {
            boolean each = part.endsWith("[*]");
            String key = each ? part.substring(0, part.length() - 3) : part;
            segments.add(new Segment(key.isEmpty() ? null : key, each));
        }
        return Optional.of(new JsonPath(text, segments));
    }

    /** One value per document: no {@code [*]}. */
    public boolean scalar() {
        return segments.stream().noneMatch(Segment::each);
    }

    /** For a scalar path, the SQL that reads it as text from a jsonb expression ({@code ->>} for one key, else {@code #>>}). */
    public String textOf(String jsonb) {
        if (!scalar()) {
            throw new IllegalStateException("not a scalar path: " + text);
        }
        return segments.size() == 1 ? "(" + jsonb + " ->> '" + segments.get(0).key() + "')" : "(" + jsonb + " #>> '" + pgPath() + "')";
    }

    /** For a scalar path, the text[] path literal of {@code #-} and {@code jsonb_set}: {@code {a,b}}. */
    public String pgPath() {
        return segments.stream().map(s -> "\"" + s.key() + "\"").collect(Collectors.joining(",", "{", "}"));
    }

    /** The SQL/JSON path (lax, so a row without the key simply has no value) reaching every value. */
    public String sqlJsonPath() {
        return "lax $" + segments.stream().map(s -> (s.key() == null ? "" : ".\"" + s.key() + "\"") + (s.each() ? "[*]" : ""))
                .collect(Collectors.joining());
    }

    /** The path without its last key, and that key: where an element sits and what identifies it. */
    public Optional<JsonPath> parent() {
        if (segments.size() < 2) {
            return Optional.empty();
        }
        String parent = text.substring(0, text.lastIndexOf('.'));
        return parse(parent);
    }

    public String lastKey() {
        return segments.get(segments.size() - 1).key();
    }

    @Override
    public String toString() {
        return text;
    }
}
