package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RequestStatus;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.dsar.entity.SubjectRegion;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Requests from controllers and processors in the OpenDSR (OpenGDPR 0.1) format. The sender
 * attests the subject's identity, so the request is verified on arrival; the clock starts at the
 * submitted time. A subject_request_id is idempotent: the same submission again answers as the
 * first did, other content under the same id is 409.
 */
@ApplicationScoped
public class OpenDsr {

    public static final String CONTROLLER_ID = "quaestor";

    public record Submission(UUID subjectRequestId, RequestType type, Instant submittedTime, String email, List<String> callbackUrls,
                             String apiVersion, String rawBody) {
    }

    public record Receipt(UUID subjectRequestId, UUID requestId, Instant receivedTime, Instant expectedCompletionTime,
                          String encodedRequest) {
    }

    public record Status(UUID subjectRequestId, String requestStatus, Instant expectedCompletionTime, String apiVersion) {
    }

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    DataSubjectRequests requests;

    @Inject
    RequestLifecycle lifecycle;

    @Inject
    Clock clock;

    @Transactional
    public Receipt submit(Submission s, Caller sender) {
        Instant now = clock.instant();
        if (s.submittedTime().isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw new InvalidInputException("submitted_time", "submitted_time cannot be in the future.");
        }
        byte[] hash = sha256(s.rawBody());
        lockId(s.subjectRequestId());
        Optional<Receipt> earlier = existing(s.subjectRequestId(), hash);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        String email = DataSubjectRequests.normalise(s.email());
        DataSubjectRequest request = requests.createRequest(new DataSubjectRequest.Intake(s.type(), "OPENDSR", SubjectRegion.EU,
                email, requests.emailKey(email), null, null, null, s.submittedTime(), sender.userId()));
        String actor = sender.userId().toString();
        lifecycle.received(request, actor, sender.roleList());
        request.verified("CONTROLLER_ATTESTED", "identity attested by the sending controller", now);
        lifecycle.move(request, RequestLifecycle.Action.VERIFY, actor, sender.roleList(), "attested by the controller");
        String encoded = Base64.getEncoder().encodeToString(s.rawBody().getBytes(StandardCharsets.UTF_8));
        try (Connection c = quaestor.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO opendsr_submission (subject_request_id, request_id, submitted_by, api_version, content_hash, "
                        + "encoded_request, callback_urls, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, s.subjectRequestId());
            insert.setObject(2, request.getId());
            insert.setObject(3, sender.userId());
            insert.setString(4, s.apiVersion());
            insert.setBytes(5, hash);
            insert.setString(6, encoded);
            insert.setString(7, String.join("\n", s.callbackUrls()));
            insert.setObject(8, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the submission could not be stored", e);
        }
        return new Receipt(s.subjectRequestId(), request.getId(), now, request.effectiveDueAt(), encoded);
    }

    public Status status(UUID subjectRequestId) {
        Submitted submitted = submitted(subjectRequestId).orElseThrow(() -> new NotFoundException("No OpenDSR request has this id."));
        DataSubjectRequest request = em.find(DataSubjectRequest.class, submitted.requestId());
        return new Status(subjectRequestId, wireStatus(request.getStatus()), request.effectiveDueAt(), submitted.apiVersion());
    }

    /** The sender withdraws its request; a finished one stays as it is (409). */
    @Transactional
    public Status cancel(UUID subjectRequestId, Caller sender) {
        Submitted submitted = submitted(subjectRequestId).orElseThrow(() -> new NotFoundException("No OpenDSR request has this id."));
        requests.act(submitted.requestId(), RequestLifecycle.Action.CANCEL, "cancelled by the controller", null, null, sender);
        return status(subjectRequestId);
    }

    /** Two submissions of one id at once take turns, so the second finds the first instead of a key violation. */
    private void lockId(UUID subjectRequestId) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            s.setString(1, "opendsr:" + subjectRequestId);
            s.executeQuery().close();
        } catch (SQLException e) {
            throw new IllegalStateException("the submission could not be locked", e);
        }
    }

    /** pending, in_progress, completed or cancelled, as OpenDSR names them. */
    public static String wireStatus(RequestStatus status) {
        return switch (status) {
            case RECEIVED, IDENTITY_PENDING, VERIFIED -> "pending";
            case IN_PROGRESS, AWAITING_APPROVAL -> "in_progress";
            case COMPLETED -> "completed";
            case REJECTED, CANCELLED, LAPSED -> "cancelled";
        };
    }

    record Submitted(UUID requestId, String apiVersion, byte[] contentHash, String encoded, Instant receivedAt, List<String> callbacks) {
    }

    Optional<Submitted> submitted(UUID subjectRequestId) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT request_id, api_version, content_hash, encoded_request, received_at, callback_urls FROM opendsr_submission "
                        + "WHERE subject_request_id = ?")) {
            s.setObject(1, subjectRequestId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String urls = rs.getString(6);
                return Optional.of(new Submitted(rs.getObject(1, UUID.class), rs.getString(2), rs.getBytes(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class).toInstant(), urls.isEmpty() ? List.of() : List.of(urls.split("\n"))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the submission could not be read", e);
        }
    }

    /** The request already submitted under this id, if the content is the same; 409 if it is not. */
    private Optional<Receipt> existing(UUID subjectRequestId, byte[] hash) {
        return submitted(subjectRequestId).map(found -> {
            if (!MessageDigest.isEqual(found.contentHash(), hash)) {
                throw new StateConflictException("A request with this subject_request_id was already submitted with other content.",
                        "subject_request_id");
            }
            DataSubjectRequest request = em.find(DataSubjectRequest.class, found.requestId());
            return new Receipt(subjectRequestId, found.requestId(), found.receivedAt(), request.effectiveDueAt(), found.encoded());
        });
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
