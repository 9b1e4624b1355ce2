package io.quaestor.platform.http;

import io.quaestor.platform.problem.Problem;
import io.quaestor.platform.problem.ProblemResponses;
import jakarta.annotation.Priority;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every JSON request body is checked against the Java type it binds to before JSON-B sees it, so
 * the binding is as strict as the API documents: a body must be present and not {@code null} (400,
 * {@code field: body}); a
 * string field takes a JSON string, never a number or boolean that JSON-B would quietly coerce; a
 * number field a number that fits; a key may appear once. Text is checked by {@link TextRules}:
 * no NUL or other control characters, and in single-line fields no bidirectional controls.
 * Shape errors are 400 {@code malformed-request}, text errors 422 {@code validation}, both naming
 * the field as {@code events[3].actor.id}.
 */
@Provider
@Priority(Priorities.ENTITY_CODER)
public class StrictBodyReader implements ReaderInterceptor {

    private static final JsonReaderFactory READERS = Json.createReaderFactory(
            Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final Map<Class<?>, Map<String, Field>> MEMBERS = new ConcurrentHashMap<>();

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (!isJson(context.getMediaType()) || isRaw(context.getType())) {
            return context.proceed();
        }
        byte[] body = context.getInputStream().readAllBytes();
        JsonValue json = parse(body);
        Check check = new Check();
        check.value(json, context.getGenericType(), "", false);
        check.raise();
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    private static boolean isJson(MediaType type) {
        return type != null && ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
    }

    /** Types that take the body as it is, for resources that read JSON themselves. */
    private static boolean isRaw(Class<?> type) {
        return type == String.class || type == byte[].class || InputStream.class.isAssignableFrom(type)
                || JsonValue.class.isAssignableFrom(type);
    }

    private static JsonValue parse(byte[] body) {
        if (isBlank(body)) {
            throw new WebApplicationException(ProblemResponses.of(Problem.of(400, "malformed-request", "Malformed request",
                    "This operation needs a JSON body.").withField("body")));
        }
        try (JsonReader reader = READERS.createReader(new ByteArrayInputStream(body))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() == JsonValue.ValueType.NULL) {
                throw new WebApplicationException(ProblemResponses.of(Problem.of(400, "malformed-request", "Malformed request",
                        "The body must be a JSON value, not null.").withField("body")));
            }
            return value;
        } catch (JsonException | IllegalStateException e) {
            // JsonParsingException, a duplicate key, or text after the value; the message may quote the input
            throw new WebApplicationException(ProblemResponses.of(Problem.of(400, "malformed-request", "Malformed request",
                    "The body is not valid JSON (or repeats a key).")));
        } catch (StackOverflowError e) {
            throw new WebApplicationException(ProblemResponses.of(Problem.of(400, "malformed-request", "Malformed request",
                    "The body nests too deeply.")));
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Walks one value against its declared type, collecting every error. */
    private static final class Check {
        private final List<Problem.FieldError> shape = new ArrayList<>();
        private final List<Problem.FieldError> text = new ArrayList<>();

        void value(JsonValue json, Type type, String path, boolean multiLine) {
            if (json.getValueType() == JsonValue.ValueType.NULL) {
                if (type instanceof Class<?> c && c.isPrimitive()) {
                    shape(path, "must not be null");
                }
                return;
            }
            Class<?> raw = rawClass(type);
            if (raw == null || raw == Object.class) {
                anyText(json, path, multiLine);
            } else if (JsonValue.class.isAssignableFrom(raw)) {
                anyText(json, path, multiLine);
            } else if (raw == String.class || raw == CharSequence.class) {
                string(json, path, multiLine);
            } else if (raw.isEnum() || isStringLike(raw)) {
                string(json, path, false);
            } else if (raw == Boolean.class || raw == boolean.class) {
                expect(json, path, json.getValueType() == JsonValue.ValueType.TRUE
                        || json.getValueType() == JsonValue.ValueType.FALSE, "must be true or false");
            } else if (isIntegral(raw)) {
                integral(json, path);
            } else if (Number.class.isAssignableFrom(raw) || raw == double.class || raw == float.class) {
                expect(json, path, json instanceof JsonNumber, "must be a number");
            } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
                array(json, elementType(type, raw), path, multiLine);
            } else if (Map.class.isAssignableFrom(raw)) {
                map(json, typeArgument(type, 1), path, multiLine);
            } else {
                object(json, raw, path);
            }
        }

        private void string(JsonValue json, String path, boolean multiLine) {
            if (json instanceof JsonString s) {
                TextRules.problem(s.getString(), multiLine).ifPresent(why -> text.add(new Problem.FieldError(name(path), why)));
            } else {
                shape(path, "must be a string");
            }
        }

        private void integral(JsonValue json, String path) {
            if (!(json instanceof JsonNumber n)) {
                shape(path, "must be a whole number");
                return;
            }
            BigDecimal value = n.bigDecimalValue();
            if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
                shape(path, "must be a whole number");
            } else if (value.compareTo(LONG_MIN) < 0 || value.compareTo(LONG_MAX) > 0) {
                shape(path, "is out of range");
            }
        }

        private void array(JsonValue json, Type element, String path, boolean multiLine) {
            if (!(json instanceof JsonArray array)) {
                shape(path, "must be an array");
                return;
            }
            for (int i = 0; i < array.size(); i++) {
                value(array.get(i), element, path + "[" + i + "]", multiLine);
            }
        }

        private void map(JsonValue json, Type valueType, String path, boolean multiLine) {
            if (!(json instanceof JsonObject object)) {
                shape(path, "must be an object");
                return;
            }
            for (Map.Entry<String, JsonValue> entry : object.entrySet()) {
                String child = join(path, entry.getKey());
                TextRules.problem(entry.getKey(), false).ifPresent(why -> text.add(new Problem.FieldError(name(path), "keys " + why)));
                value(entry.getValue(), valueType, child, multiLine);
            }
        }

        private void object(JsonValue json, Class<?> type, String path) {
            if (!(json instanceof JsonObject object)) {
                shape(path, "must be an object");
                return;
            }
            Map<String, Field> members = members(type);
            for (Map.Entry<String, JsonValue> entry : object.entrySet()) {
                Field field = members.get(entry.getKey());
                if (field != null) {
                    value(entry.getValue(), field.getGenericType(), join(path, entry.getKey()),
                            field.isAnnotationPresent(MultiLine.class));
                }
                // an unknown key is JSON-B's to refuse (400 unknown-field)
            }
        }

        /** Free-form JSON (audit details): any shape, but its text follows the same rules. */
        private void anyText(JsonValue json, String path, boolean multiLine) {
            switch (json.getValueType()) {
                case STRING -> string(json, path, multiLine);
                case ARRAY -> {
                    JsonArray array = json.asJsonArray();
                    for (int i = 0; i < array.size(); i++) {
                        anyText(array.get(i), path + "[" + i + "]", multiLine);
                    }
                }
                case OBJECT -> map(json, Object.class, path, multiLine);
                default -> {
                    // numbers, booleans and null carry no text
                }
            }
        }

        private void expect(JsonValue json, String path, boolean ok, String message) {
            if (!ok) {
                shape(path, message);
            }
        }

        private void shape(String path, String message) {
            shape.add(new Problem.FieldError(name(path), message));
        }

        void raise() {
            if (!shape.isEmpty()) {
                throw new WebApplicationException(ProblemResponses.of(Problem.of(400, "malformed-request", "Malformed request",
                        "A value has the wrong JSON type: " + shape.get(0).field() + " " + shape.get(0).message() + ".")
                        .withErrors(shape)));
            }
            if (!text.isEmpty()) {
                throw new WebApplicationException(ProblemResponses.of(Problem.of(422, "validation", "Invalid input",
                        text.size() == 1 ? "One field is invalid." : text.size() + " fields are invalid.").withErrors(text)));
            }
        }

        private static String name(String path) {
            return path.isEmpty() ? "body" : path;
        }

        private static String join(String path, String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    private static boolean isStringLike(Class<?> type) {
        String name = type.getName();
        return name.startsWith("java.time.") || type == java.util.UUID.class || type == java.net.URI.class
                || type == java.util.Locale.class || type == Character.class || type == char.class;
    }

    private static boolean isIntegral(Class<?> type) {
        return type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == Byte.class || type == byte.class
                || type == java.math.BigInteger.class;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    private static Type elementType(Type type, Class<?> raw) {
        return raw.isArray() ? raw.getComponentType() : typeArgument(type, 0);
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            return p.getActualTypeArguments()[index];
        }
        return Object.class;
    }

    /** The members JSON-B binds, by their name on the wire. */
    private static Map<String, Field> members(Class<?> type) {
        return MEMBERS.computeIfAbsent(type, t -> {
            Map<String, Field> byName = new HashMap<>();
            List<String> components = t.isRecord()
                    ? java.util.Arrays.stream(t.getRecordComponents()).map(RecordComponent::getName).toList() : null;
            for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    boolean bound = components != null ? components.contains(f.getName()) : Modifier.isPublic(f.getModifiers());
                    if (bound && !Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers())) {
                        JsonbProperty renamed = f.getAnnotation(JsonbProperty.class);
                        byName.putIfAbsent(renamed == null ? f.getName() : renamed.value(), f);
                    }
                }
            }
            return Map.copyOf(byName);
        });
    }
}
