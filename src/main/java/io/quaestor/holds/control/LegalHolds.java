package io.quaestor.holds.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.holds.entity.HoldScope;
import io.quaestor.holds.entity.LegalHold;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.security.control.Caller;
import io.quaestor.retention.control.OwnRecords;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Places and releases legal holds, and answers the one question every deletion asks: which holds
 * are in force now over these tenants, accounts and categories. Placing and releasing are audited;
 * a hold is never deleted, only released with a reason.
 */
@ApplicationScoped
public class LegalHolds {

    /** What a new hold covers and why. */
    public record Placement(HoldScope scope, String scopeValue, String reason, String matter, UUID ownerId, Instant startsAt,
                            Instant endsAt) {
    }

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    DataMaps maps;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @jakarta.annotation.Resource(lookup = io.quaestor.platform.persistence.Datasources.QUAESTOR)
    javax.sql.DataSource quaestor;

    @Transactional
    public LegalHold place(Placement placement, Caller by) {
        Instant now = clock.instant();
        Instant starts = placement.startsAt() == null ? now : placement.startsAt();
        if (placement.endsAt() != null && !placement.endsAt().isAfter(starts)) {
            throw new InvalidInputException("endsAt", "endsAt must be after startsAt (" + starts + ").");
        }
        if (placement.endsAt() != null && !placement.endsAt().isAfter(now)) {
            throw new InvalidInputException("endsAt", "endsAt must be in the future; a hold that has ended holds nothing.");
        }
        if (placement.scope() == HoldScope.CATEGORY && maps.active().map().tables().stream().map(DataMap.MappedTable::category)
                .noneMatch(placement.scopeValue()::equals) && java.util.Arrays.stream(OwnRecords.Line.values())
                .noneMatch(l -> l.slug.equals(placement.scopeValue()))) {
            throw new InvalidInputException("scopeValue", "No table of the data map has the category '" + placement.scopeValue()
                    + "', and no line of Quaestor's own schedule is called so.");
        }
        if (!isActiveStaff(placement.ownerId())) {
            throw new InvalidInputException("ownerId", "The owner must be an active staff member.");
        }
        LegalHold hold = new LegalHold(placement.scope(), placement.scopeValue(), placement.reason().strip(), placement.matter(),
                placement.ownerId(), starts, placement.endsAt(), by.userId(), now);
        em.persist(hold);
        audit.appendAction(by, "legal-hold.place", "legal-hold", hold.getId().toString(),
                placement.scope() == HoldScope.TENANT ? placement.scopeValue() : null, details(hold));
        return hold;
    }

    @Transactional
    public LegalHold release(UUID id, String reason, Caller by) {
        LegalHold hold = em.find(LegalHold.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (hold == null) {
            throw new NotFoundException("No legal hold has this id.");
        }
        if (hold.getReleasedAt() != null) {
            throw new StateConflictException("This hold was already released at " + hold.getReleasedAt() + ".");
        }
        hold.release(by.userId(), reason.strip(), clock.instant());
        Map<String, String> details = details(hold);
        details.put("releaseReason", hold.getReleaseReason());
        audit.appendAction(by, "legal-hold.release", "legal-hold", hold.getId().toString(),
                hold.getScope() == HoldScope.TENANT ? hold.getScopeValue() : null, details);
        return hold;
    }

    public List<LegalHold> list(boolean inForceOnly) {
        Instant now = clock.instant();
        return em.createNamedQuery(LegalHold.ALL, LegalHold.class).getResultList().stream()
                .filter(h -> !inForceOnly || h.inForceAt(now)).toList();
    }

    public LegalHold get(UUID id) {
        LegalHold hold = em.find(LegalHold.class, id);
        if (hold == null) {
            throw new NotFoundException("No legal hold has this id.");
        }
        return hold;
    }

    /** A hold in force, as a deletion path needs it: what it covers and why. */
    public record HoldInForce(UUID id, HoldScope scope, String scopeValue, String reason, String matter) {
        /** One line an officer can act on: what is held, why, and under which matter. */
        public String describe() {
            return scope.name().toLowerCase(java.util.Locale.ROOT) + " " + scopeValue + " is under legal hold " + id
                    + (matter == null ? "" : " (" + matter + ")") + ": " + reason;
        }
    }

    /**
     * The holds in force now over any of these tenants, accounts or categories. Plain JDBC: it is
     * asked from inside erasing transactions and batch threads, where neither a JTA transaction may
     * begin nor a container-managed EntityManager be used outside one.
     */
    public List<HoldInForce> inForce(Collection<String> tenants, Collection<String> accounts, Collection<String> categories) {
        List<HoldInForce> found = new java.util.ArrayList<>();
        try (java.sql.Connection c = quaestor.getConnection(); java.sql.PreparedStatement s = c.prepareStatement("""
                SELECT id, scope, scope_value, reason, matter FROM legal_hold
                WHERE released_at IS NULL AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)
                  AND ((scope = 'TENANT' AND scope_value = ANY(?)) OR (scope = 'ACCOUNT' AND scope_value = ANY(?))
                       OR (scope = 'CATEGORY' AND scope_value = ANY(?)))
                ORDER BY starts_at""")) {
            java.time.OffsetDateTime now = java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
            s.setObject(1, now);
            s.setObject(2, now);
            s.setArray(3, c.createArrayOf("text", tenants.toArray()));
            s.setArray(4, c.createArrayOf("text", accounts.toArray()));
            s.setArray(5, c.createArrayOf("text", categories.toArray()));
            try (java.sql.ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(new HoldInForce(rs.getObject(1, UUID.class), HoldScope.valueOf(rs.getString(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("legal holds could not be read", e);
        }
        return found;
    }

    /**
     * The values held now in one scope, read over plain JDBC: batch steps run this on their own
     * threads, where a container-managed EntityManager outside a transaction cannot be used.
     */
    public List<String> inForceValues(HoldScope scope) {
        List<String> values = new java.util.ArrayList<>();
        try (java.sql.Connection c = quaestor.getConnection(); java.sql.PreparedStatement s = c.prepareStatement(
                "SELECT scope_value FROM legal_hold WHERE scope = ? AND released_at IS NULL AND starts_at <= ? "
                        + "AND (ends_at IS NULL OR ends_at > ?) ORDER BY scope_value")) {
            java.time.OffsetDateTime now = java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
            s.setString(1, scope.name());
            s.setObject(2, now);
            s.setObject(3, now);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("legal holds could not be read", e);
        }
        return values;
    }

    /** Refuses, naming every hold and its reason, when any is in force over these. */
    public void requireNone(Collection<String> tenants, Collection<String> accounts, Collection<String> categories, String what) {
        List<HoldInForce> holds = inForce(tenants, accounts, categories);
        if (!holds.isEmpty()) {
            throw new HeldException(what, holds);
        }
    }

    private boolean isActiveStaff(UUID userId) {
        return userId != null && !em.createNativeQuery("SELECT 1 FROM staff_user WHERE id = ? AND active")
                .setParameter(1, userId).getResultList().isEmpty();
    }

    private static Map<String, String> details(LegalHold hold) {
        Map<String, String> details = new TreeMap<>();
        details.put("scope", hold.getScope().name());
        details.put("startsAt", hold.getStartsAt().toString());
        details.put("owner", hold.getOwnerId().toString());
        if (hold.getEndsAt() != null) {
            details.put("endsAt", hold.getEndsAt().toString());
        }
        if (hold.getMatter() != null) {
            details.put("matter", hold.getMatter());
        }
        return details;
    }
}
