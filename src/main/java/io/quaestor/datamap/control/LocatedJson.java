package io.quaestor.datamap.control;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON tree that remembers the line of every value, so that a problem in a data map can be
 * reported as {@code file:line: element: message}.
 */
sealed interface LocatedJson {

    int line();

    record Obj(Map<String, LocatedJson> members, int line) implements LocatedJson {
    }

    record Arr(List<LocatedJson> items, int line) implements LocatedJson {
    }

    record Val(JsonValue value, int line) implements LocatedJson {
    }

    static LocatedJson parse(Reader reader, String file) {
        try (JsonParser parser = Json.createParser(reader)) {
            if (!parser.hasNext()) {
                throw new DataMapException(List.of(new DataMapException.Problem(file, 1, "(document)", "the file is empty")));
            }
            return read(parser, parser.next());
        } catch (JsonParsingException e) {
            throw new DataMapException(List.of(new DataMapException.Problem(file,
                    (int) e.getLocation().getLineNumber(), "(document)", "not valid JSON: " + e.getMessage())));
        }
    }

    private static LocatedJson read(JsonParser parser, JsonParser.Event event) {
        int line = (int) parser.getLocation().getLineNumber();
        switch (event) {
            case START_OBJECT -> {
                Map<String, LocatedJson> members = new LinkedHashMap<>();
                JsonParser.Event next;
                while ((next = parser.next()) != JsonParser.Event.END_OBJECT) {
                    String key = parser.getString();
                    members.put(key, read(parser, parser.next()));
                    if (next != JsonParser.Event.KEY_NAME) {
                        throw new IllegalStateException("unexpected " + next);
                    }
                }
                return new Obj(members, line);
            }
            case START_ARRAY -> {
                List<LocatedJson> items = new ArrayList<>();
                JsonParser.Event next;
                while ((next = parser.next()) != JsonParser.Event.END_ARRAY) {
                    items.add(read(parser, next));
                }
                return new Arr(items, line);
            }
            default -> {
                return new Val(parser.getValue(), line);
            }
        }
    }
}
