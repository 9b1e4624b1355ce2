package io.quaestor.dsar.control;

import io.quaestor.audit.control.AuditSealing;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.platform.outbox.HttpDelivery;
import io.quaestor.platform.outbox.Outbox;
import io.quaestor.platform.outbox.OutboxRows;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * Status callbacks owed to OpenDSR senders: queued in the transaction of every state change of
 * their request, delivered one per transaction (SKIP LOCKED), retried with growing pauses. Each
 * body is signed with Quaestor's Ed25519 key ({@code X-OpenDSR-Signature}, base64; the key is
 * published at {@code /api/opendsr/public-key}).
 */
@ApplicationScoped
public class OpenDsrCallbacks implements Outbox {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    AuditSealing sealing;

    @Inject
    Clock clock;

    void onMove(@Observes RequestMoved moved) {
        DataSubjectRequest request = em.find(DataSubjectRequest.class, moved.requestId());
        if (!"OPENDSR".equals(request.getChannel())) {
            return;
        }
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT subject_request_id, callback_urls FROM opendsr_submission WHERE request_id = ?")) {
            s.setObject(1, request.getId());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && !rs.getString(2).isEmpty()) {
                    UUID subjectRequestId = rs.getObject(1, UUID.class);
                    for (String url : rs.getString(2).split("\n")) {
                        queue(c, subjectRequestId, url, request, moved);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the status callback could not be queued", e);
        }
    }

    private void queue(Connection c, UUID subjectRequestId, String url, DataSubjectRequest request, RequestMoved moved)
            throws SQLException {
        String body = Json.createObjectBuilder().add("controller_id", OpenDsr.CONTROLLER_ID)
                .add("expected_completion_time", request.effectiveDueAt().toString()).add("status_callback_url", url)
                .add("subject_request_id", subjectRequestId.toString()).add("request_status", OpenDsr.wireStatus(moved.to()))
                .build().toString();
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO opendsr_callback (id, subject_request_id, url, payload, "
                + "created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, subjectRequestId);
            s.setString(3, url);
            s.setString(4, body);
            s.setObject(5, now);
            s.setObject(6, now);
            s.executeUpdate();
        }
    }

    @Override
    public String name() {
        return "opendsr-callbacks";
    }

    @Override
    public boolean enabled() {
        return sealing.signer().isPresent();
    }

    /** @return whether a callback was due */
    @Override
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public boolean deliverNext() {
        return OutboxRows.deliverNext(quaestor, "opendsr_callback", true, clock.instant(), row -> post(row.url(), row.payload()));
    }

    private String post(String url, String body) {
        try {
            String signature = Base64.getEncoder().encodeToString(sealing.requireSigner().sign(body.getBytes(StandardCharsets.UTF_8)));
            return HttpDelivery.post(url, body, Map.of("X-OpenDSR-Signature", signature, "X-OpenGDPR-Signature", signature));
        } catch (GeneralSecurityException e) {
            return e.getClass().getSimpleName();
        }
    }
}
