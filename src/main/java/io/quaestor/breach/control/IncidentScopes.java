package io.quaestor.breach.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Statements;
import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import javax.sql.DataSource;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * An incident's computed scopes: each computation is kept with the responder's description and
 * the stores' answer (per table counts, subjects), so notices and authority reports cite a
 * figure that can be traced. The account list is recomputed from the description on demand.
 */
@ApplicationScoped
public class IncidentScopes {

    private static final Jsonb JSONB = JsonbBuilder.create();

    /** Plain words for the data map's categories, for notices and reports. */
    private static final Map<String, String> CATEGORY_WORDS = Map.of(
            "account", "account and contact details (name, email address, company, job title, phone)",
            "security", "security data (API key identifiers, sign-in and security events)",
            "technical-metadata", "API request metadata (time, model, token counts, cost, source IP address, user agent)",
            "billing", "billing data (invoices, payments, balance)",
            "console", "console sign-in records (time, IP address, device)",
            "system-log", "system logs");

    public record Stored(UUID id, UUID incidentId, BreachScope.Description description, BreachScope.Result result, long subjects,
                         long records, Instant computedAt, UUID computedBy) {

        /** The affected categories in plain words. */
        public String categoriesText() {
            Set<String> words = new LinkedHashSet<>();
            result.tables().stream().filter(t -> t.records() > 0).forEach(t -> words.add(CATEGORY_WORDS.getOrDefault(t.category(), t.category())));
            return words.isEmpty() ? "no records found" : String.join("; ", words);
        }

        /** One sentence on what the scope covers, for a notice. */
        public String statement() {
            return description.from() == null ? "It concerns records held about your account."
                    : "It concerns records made between " + description.from() + " and " + description.to() + " (UTC).";
        }
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Incidents incidents;

    @Inject
    BreachScope scope;

    /** Computes a scope from the stores (outside any transaction) and keeps it with the incident. */
    public Stored compute(UUID incidentId, BreachScope.Description description, Caller by) {
        incidents.get(incidentId);
        scope.validate(description);
        BreachScope.Result result = scope.compute(description);
        UUID id = incidents.recordScope(incidentId, description.toJson().toString(), JSONB.toJson(result), result.subjects(),
                result.records(), by);
        return get(incidentId, id);
    }

    public Stored get(UUID incidentId, UUID scopeId) {
        return read("SELECT id, incident_id, description, result, subjects, records, computed_at, computed_by FROM incident_scope "
                + "WHERE incident_id = ? AND id = ?", incidentId, scopeId).stream().findFirst()
                .orElseThrow(() -> new NotFoundException("The incident has no scope with this id."));
    }

    public List<Stored> of(UUID incidentId) {
        incidents.get(incidentId);
        return read("SELECT id, incident_id, description, result, subjects, records, computed_at, computed_by FROM incident_scope "
                + "WHERE incident_id = ? ORDER BY computed_at", incidentId);
    }

    /** The newest scope of an incident, if any has been computed. */
    public java.util.Optional<Stored> latest(UUID incidentId) {
        List<Stored> all = of(incidentId);
        return all.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(all.get(all.size() - 1));
    }

    /** Streams the accounts a stored scope covers now. */
    public long accounts(UUID incidentId, UUID scopeId, Consumer<BreachScope.Affected> sink) {
        return scope.each(get(incidentId, scopeId).description(), sink);
    }

    private List<Stored> read(String sql, Object... values) {
        List<Stored> scopes = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            Statements.bind(s, values);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    JsonObject description = Json.createReader(new StringReader(rs.getString(3))).readObject();
                    scopes.add(new Stored(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), BreachScope.Description.of(description),
                            JSONB.fromJson(rs.getString(4), BreachScope.Result.class), rs.getLong(5), rs.getLong(6), Timestamps.instant(rs, 7),
                            rs.getObject(8, UUID.class)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the scopes could not be read", e);
        }
        return scopes;
    }
}
