package io.quaestor.dsar.control;

import io.quaestor.audit.control.CustomerPseudonyms;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.control.SubjectFinder;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectKeys;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.webhooks.control.GatewayWebhooks;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What completing a request does outside its own record. In the gateway's store (through the
 * data map, before the completing transaction, idempotent): a restriction or objection sets the
 * subject's restriction flag; a rectification replaces a mapped value. In the completing
 * transaction: a signed webhook tells the gateway, and for erasure, restriction and
 * rectification every recipient in the data map is recorded as notified (Art. 19).
 */
@ApplicationScoped
public class CompletionEffects {

    static final Set<RequestType> RESTRICTING = EnumSet.of(RequestType.RESTRICTION, RequestType.OBJECTION);
    static final Set<RequestType> ARTICLE_19 = EnumSet.of(RequestType.ERASURE, RequestType.RESTRICTION, RequestType.RECTIFICATION);

    /** A rectification as applied: old and new values only as the tenant's keyed pseudonyms. */
    public record Rectified(String table, String column, String oldPseudonym, String newPseudonym) {
    }

    @Inject
    SubjectFinder finder;

    @Inject
    DataMaps maps;

    @Inject
    GatewayWebhooks webhooks;

    @Inject
    CustomerPseudonyms pseudonyms;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    /**
     * The subjects in the gateway's store, by kind: by account id when the request names one, else
     * by email, in every kind of subject that declares that identifier.
     */
    public SubjectKeys subjectKeys(DataSubjectRequest request) {
        try {
            if (request.getSubjectAccountId() != null) {
                return finder.resolve("account-id", request.getSubjectAccountId());
            }
            return request.getSubjectEmail() == null ? SubjectKeys.of(maps.active().map().subject().name(), List.of())
                    : finder.resolve("email", request.getSubjectEmail());
        } catch (SQLException e) {
            throw new IllegalStateException("the gateway store could not be read", e);
        }
    }

    /** How many rows the subjects hold, and how many block erasure, over every kind found. */
    public SubjectRows.Footprint footprint(SubjectKeys keys) {
        try {
            SubjectRows.Footprint total = new SubjectRows.Footprint(0, 0);
            for (String kind : keys.foundKinds()) {
                total = total.plus(finder.rows(kind).footprint(keys.of(kind)));
            }
            return total;
        } catch (SQLException e) {
            throw new IllegalStateException("the gateway store could not be read", e);
        }
    }

    /** Outside any transaction: sets the restriction flag of each subject key; repeating it changes nothing. */
    public void applyInGateway(DataSubjectRequest request, SubjectKeys keys) {
        if (!RESTRICTING.contains(request.getType())) {
            return;
        }
        DataMap map = maps.active().map();
        for (String kind : keys.isEmpty() ? List.of(map.subject().name()) : keys.foundKinds()) {
            if (map.kind(kind).orElseThrow().restrictionFlag() == null) {
                throw new StateConflictException("The data map names no restriction flag for the " + kind
                        + " kind of subject, so processing cannot be restricted in the gateway.");
            }
        }
        try {
            for (String kind : keys.foundKinds()) {
                SubjectRows rows = finder.rows(kind);
                for (Object key : keys.of(kind)) {
                    rows.restrict(key);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the restriction could not be set in the gateway store", e);
        }
    }

    /** Outside any transaction: replaces one mapped value of the subject's own row. */
    public Rectified rectify(DataSubjectRequest request, SubjectKeys keys, String column, String value) {
        if (keys.count() != 1) {
            throw new StateConflictException("A rectification needs exactly one account; this request matches " + keys.count() + ".");
        }
        String kind = keys.foundKinds().get(0);
        Object key = keys.of(kind).get(0);
        SubjectRows rows = finder.rows(kind);
        DataMap.Subject subject = maps.active().map().kind(kind).orElseThrow();
        try {
            String tenant = rows.tenantsOf(List.of(key)).get(key);
            String old = rows.replace(key, column, value);
            return new Rectified(subject.table(), column, old == null ? null : pseudonyms.of(tenant, "value:" + column, old),
                    pseudonyms.of(tenant, "value:" + column, value));
        } catch (IllegalArgumentException e) {
            throw new io.quaestor.platform.problem.InvalidInputException("column", "Not a mapped column of the subject's own record.");
        } catch (SQLException e) {
            throw new IllegalStateException("the rectification could not be applied in the gateway store", e);
        }
    }

    /** In the completing transaction: the gateway's webhook and the Art. 19 record. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(DataSubjectRequest request, SubjectKeys keys) {
        if (RESTRICTING.contains(request.getType())) {
            for (Object key : keys.all()) {
                webhooks.queue("subject.processing-restricted", Map.of("account", key.toString(),
                        "request", request.getReference(), "right", request.getType().name()));
            }
        }
        if (request.getType() == RequestType.CONSENT_WITHDRAWAL) {
            for (Object key : keys.all()) {
                webhooks.queue("subject.consent-withdrawn", Map.of("account", key.toString(), "request", request.getReference(),
                        "scope", request.getConsentScope() == null ? "" : request.getConsentScope()));
            }
        }
        if (ARTICLE_19.contains(request.getType())) {
            for (DataMap.Recipient recipient : maps.active().map().recipients()) {
                recordRecipient(request, recipient);
            }
        }
    }

    private void recordRecipient(DataSubjectRequest request, DataMap.Recipient recipient) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO recipient_notification (id, request_id, recipient, kind, categories, action, recorded_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, request.getId());
            s.setString(3, recipient.name());
            s.setString(4, recipient.kind());
            s.setString(5, String.join(",", recipient.categories()));
            s.setString(6, request.getType().name());
            s.setObject(7, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the recipient notification could not be recorded", e);
        }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void recordRectification(DataSubjectRequest request, Rectified rectified, UUID approvedBy) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO dsar_rectification (id, request_id, table_name, column_name, old_value, new_value, approved_by, applied_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, request.getId());
            s.setString(3, rectified.table());
            s.setString(4, rectified.column());
            s.setString(5, rectified.oldPseudonym());
            s.setString(6, rectified.newPseudonym());
            s.setObject(7, approvedBy);
            s.setObject(8, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the rectification could not be recorded", e);
        }
    }
}
