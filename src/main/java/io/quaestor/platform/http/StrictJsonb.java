package io.quaestor.platform.http;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * JSON-B as the API uses it: an unknown field in a request body is an error rather than silently
 * ignored (a misspelt field must never be mistaken for an absent one), and absent values are not
 * written as {@code null}.
 */
@Provider
public class StrictJsonb implements ContextResolver<Jsonb> {

    /** Yasson's switch; named here rather than imported so the WAR keeps to the platform API. */
    static final String FAIL_ON_UNKNOWN_PROPERTIES = "jsonb.fail-on-unknown-properties";

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig()
            .withNullValues(false)
            .setProperty(FAIL_ON_UNKNOWN_PROPERTIES, true));

    @Override
    public Jsonb getContext(Class<?> type) {
        return jsonb;
    }
}
