package io.quaestor.audit.boundary;

import io.quaestor.audit.control.AuditIngest;
import io.quaestor.audit.control.CustomerPseudonyms;
import io.quaestor.audit.control.Origins;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.platform.http.Params;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.TraversableResolver;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.lang.annotation.ElementType;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The gateway's own admin tools report their operators' actions here. Strict: unknown members are
 * refused (StrictJsonb), every field is checked, and identifiers that could be personal data are
 * refused or replaced by the tenant's keyed pseudonym before anything is stored.
 */
@Path("audit/ingest")
@Tag(name = "Audit trail")
@Produces(MediaType.APPLICATION_JSON)
public class AuditIngestResource {

    /**
     * Validates batches as @Valid would, minus JPA's reachability check: these are plain
     * transfer objects, yet the container's resolver asked every persistence provider about every
     * property of every event, a third of the CPU an ingested batch cost. Failures map to the same
     * 422 with the same field names (events[3].occurredAt).
     */
    private static final Validator BATCH_VALIDATOR = Validation.byDefaultProvider().configure()
            // Hibernate Validator wraps any resolver but its own in a per-call cache; ours answers at once.
            .addProperty("hibernate.validator.enable_traversable_resolver_result_cache", "false")
            .traversableResolver(new TraversableResolver() {
                @Override
                public boolean isReachable(Object bean, jakarta.validation.Path.Node property, Class<?> rootType, jakarta.validation.Path path,
                                           ElementType type) {
                    return true;
                }

                @Override
                public boolean isCascadable(Object bean, jakarta.validation.Path.Node property, Class<?> rootType, jakarta.validation.Path path,
                                           ElementType type) {
                    return true;
                }
            })
            .buildValidatorFactory().getValidator();

    /** Opaque ids only: an email address or anything with spaces is not a pseudonymous id. */
    static final String OPAQUE_ID = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";
    static final String NAME = "^[a-z][a-z0-9._-]{0,63}$";
    static final Duration MAX_AGE = Duration.ofDays(30);
    static final Duration MAX_SKEW = Duration.ofMinutes(5);

    public static class Batch {
        @NotNull
        @Size(min = 1, max = 1000)
        public List<@NotNull @Valid Event> events;
    }

    public static class Event {
        @NotNull
        public UUID eventId;

        /** ISO-8601 instant with an offset, e.g. 2026-11-24T12:00:00Z. */
        @NotNull
        public String occurredAt;

        @NotNull
        @Valid
        public Actor actor;

        @NotNull
        @Pattern(regexp = NAME, message = "a lower-case action name such as account.suspended")
        public String action;

        @NotNull
        @Pattern(regexp = NAME, message = "a lower-case resource type such as account")
        public String resourceType;

        @Pattern(regexp = OPAQUE_ID, message = "an opaque id (letters, digits, '.', '_', ':' or '-'); never an email")
        public String resourceId;

        @Pattern(regexp = OPAQUE_ID, message = "a tenant id (letters, digits, '.', '_', ':' or '-')")
        public String tenant;

        /** A customer the action concerned; stored only as the tenant's keyed pseudonym. */
        @Valid
        public Customer customer;

        @Pattern(regexp = "CUSTOMER_SUPPORT|PRODUCTION_ALERT|SECURITY_REVIEW|LEGAL_REQUEST|DSAR_FULFILMENT|BREACH_INVESTIGATION",
                message = "must be CUSTOMER_SUPPORT, PRODUCTION_ALERT, SECURITY_REVIEW, LEGAL_REQUEST, DSAR_FULFILMENT or BREACH_INVESTIGATION")
        public String justificationCode;

        @Pattern(regexp = "^[^\\p{Cntrl}@]{1,200}$", message = "a ticket or incident reference, up to 200 printable characters")
        public String justificationReference;

        @NotNull
        @Pattern(regexp = "success|denied|error", message = "must be success, denied or error")
        public String outcome;

        /** The operator's address; stored truncated (/24 IPv4, /48 IPv6). */
        @Pattern(regexp = "^[0-9A-Fa-f:.]{2,45}$", message = "an IPv4 or IPv6 address")
        public String sourceIp;

        @Pattern(regexp = OPAQUE_ID, message = "an opaque request id")
        public String requestId;

        @Size(max = 20)
        public Map<@Pattern(regexp = NAME, message = "a lower-case key") String,
                @NotNull @Pattern(regexp = "^[^\\p{Cntrl}@]{0,500}$", message = "up to 500 printable characters, no email addresses") String> details;
    }

    public static class Actor {
        @NotNull
        @Pattern(regexp = OPAQUE_ID, message = "the operator's pseudonymous id (letters, digits, '.', '_', ':' or '-'); never an email")
        public String id;

        @NotNull
        @Pattern(regexp = NAME, message = "a lower-case role name")
        public String role;

        @NotNull
        @Pattern(regexp = "password|sso|mfa|api-key|certificate", message = "must be password, sso, mfa, api-key or certificate")
        public String authenticationMethod;

        public boolean breakGlass;
    }

    public static class Customer {
        @NotNull
        @Pattern(regexp = "email|account-id", message = "must be email or account-id")
        public String kind;

        @NotNull
        @Size(min = 1, max = 320)
        public String value;
    }

    @Inject
    AuditIngest ingest;

    @Inject
    CustomerPseudonyms pseudonyms;

    @Inject
    Clock clock;

    @POST
    @RolesAllowed(Role.Names.GATEWAY)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Append the gateway's operator-action events, up to 1000 per batch; idempotent by eventId")
    public AuditIngest.Outcome ingest(@NotNull Batch batch) {
        Set<ConstraintViolation<Batch>> violations = BATCH_VALIDATOR.validate(batch);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        List<AuditIngest.Indexed> events = new ArrayList<>(batch.events.size());
        Instant now = clock.instant();
        for (int i = 0; i < batch.events.size(); i++) {
            events.add(new AuditIngest.Indexed(i, event(batch.events.get(i), i, now)));
        }
        return ingest.ingest(events);
    }

    private AuditEvent event(Event e, int index, Instant now) {
        String at = "events[" + index + "].";
        Instant occurredAt = Params.instant(at + "occurredAt", e.occurredAt);
        if (occurredAt.isAfter(now.plus(MAX_SKEW)) || occurredAt.isBefore(now.minus(MAX_AGE))) {
            throw new InvalidInputException(at + "occurredAt", "occurredAt must be within the last 30 days and not in the future.");
        }
        if (e.customer != null && e.tenant == null) {
            throw new InvalidInputException(at + "tenant", "An event about a customer names the customer's tenant.");
        }
        if ((e.justificationCode == null) != (e.justificationReference == null)) {
            throw new InvalidInputException(at + "justificationReference", "A justification has both a code and a reference.");
        }
        Map<String, String> details = new TreeMap<>(e.details == null ? Map.of() : e.details);
        if (e.customer != null) {
            details.put("customer", pseudonyms.of(e.tenant, e.customer.kind, e.customer.value));
        }
        // The event's content must not depend on this request, or a replay would look like a conflict.
        details.put("source", "gateway");
        String origin = e.sourceIp == null ? null : Origins.truncate(e.sourceIp);
        if (e.sourceIp != null && (origin == null || !e.sourceIp.contains(":") && e.sourceIp.chars().filter(ch -> ch == '.').count() != 3)) {
            throw new InvalidInputException(at + "sourceIp", "sourceIp must be an IPv4 or IPv6 address.");
        }
        return new AuditEvent(e.eventId, occurredAt, "gateway:" + e.actor.id, e.actor.role, e.actor.authenticationMethod,
                e.actor.breakGlass, e.action, e.resourceType, e.resourceId, e.tenant, e.justificationCode,
                e.justificationReference, null, null, e.outcome, origin,
                e.requestId, details);
    }
}
