package io.quaestor.datamap.entity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whom a request was resolved to: the subjects' keys by kind of subject (users, end users), in
 * the data map's order of kinds. Keys are personal data; {@link #toString()} shows counts only.
 */
public record SubjectKeys(Map<String, List<Object>> byKind) {

    public SubjectKeys {
        Map<String, List<Object>> copy = new LinkedHashMap<>();
        byKind.forEach((kind, keys) -> copy.put(kind, List.copyOf(keys)));
        byKind = java.util.Collections.unmodifiableMap(copy);
    }

    public static SubjectKeys of(String kind, List<Object> keys) {
        return new SubjectKeys(Map.of(kind, keys));
    }

    /** The keys of one kind (none if the request found no subject of that kind). */
    public List<Object> of(String kind) {
        return byKind.getOrDefault(kind, List.of());
    }

    /** The kinds that found at least one subject, in the map's order. */
    public List<String> foundKinds() {
        return byKind.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    public boolean isEmpty() {
        return foundKinds().isEmpty();
    }

    /** How many subjects were found, of all kinds. */
    public int count() {
        return byKind.values().stream().mapToInt(List::size).sum();
    }

    /** Every key, of all kinds (for a message that names accounts without caring which kind they are). */
    public List<Object> all() {
        List<Object> all = new ArrayList<>();
        byKind.values().forEach(all::addAll);
        return all;
    }

    @Override
    public String toString() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        byKind.forEach((kind, keys) -> counts.put(kind, keys.size()));
        return "SubjectKeys" + counts;
    }
}
