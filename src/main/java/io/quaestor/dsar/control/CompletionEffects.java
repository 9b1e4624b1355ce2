package io.quaestor.dsar.control;

import io.quaestor.audit.control.CustomerPseudonyms;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.control.SubjectFinder;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectIdentifier;
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

    /** The subject's keys in the gateway's store: by account id when the request names one, else by email. */
    public List<Object> subjectKeys(DataSubjectRequest request) {
        try {
            SubjectRows rows = finder.rows();
            if (request.getSubjectAccountId() != null) {
                return rows.resolve(finder.identifier("account-id", request.getSubjectAccountId()));
            }
            return request.getSubjectEmail() == null ? List.of() : rows.resolve(SubjectIdentifier.of("email", request.getSubjectEmail()));
        } catch (SQLException e) {
            throw new IllegalStateException("the gateway store could not be read", e);
        }
    }

    /** How many rows the subject holds, and how many block erasure. */
    public SubjectRows.Footprint footprint(List<Object> keys) {
        try {
            return finder.rows().footprint(keys);
        } catch (SQLException e) {
            throw new IllegalStateException("the gateway store could not be read", e);
        }
    }

    /** Outside any transaction: sets the restriction flag of each subject key; repeating it changes nothing. */
    public void applyInGateway(DataSubjectRequest request, List<Object> keys) {
        if (!RESTRICTING.contains(request.getType())) {
            return;
        }
        if (maps.active().map().subject().restrictionFlag() == null) {
            throw new StateConflictException("The data map names no restriction flag, so processing cannot be restricted in the gateway.");
        }
        try {
            SubjectRows rows = finder.rows();
            for (Object key : keys) {
                rows.restrict(key);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the restriction could not be set in the gateway store", e);
        }
    }

    /** Outside any transaction: replaces one mapped value of the subject's own row. */
    public Rectified rectify(DataSubjectRequest request, List<Object> keys, String column, String value) {
        if (keys.size() != 1) {
            throw new StateConflictException("A rectification needs exactly one account; this request matches " + keys.size() + ".");
        }
        SubjectRows rows = finder.rows();
        DataMap.Subject subject = maps.active().map().subject();
        try {
            String tenant = rows.tenantsOf(keys).get(keys.get(0));
            String old = rows.replace(keys.get(0), column, value);
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
    public void record(DataSubjectRequest request, List<Object> keys) {
        if (RESTRICTING.contains(request.getType())) {
            for (Object key : keys) {
                webhooks.queue("subject.processing-restricted", Map.of("account", key.toString(),
                        "request", request.getReference(), "right", request.getType().name()));
            }
        }
        if (request.getType() == RequestType.CONSENT_WITHDRAWAL) {
            for (Object key : keys) {
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
