package io.quaestor.accesspackages.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.dsar.control.IdentityVerification;
import io.quaestor.dsar.control.MessageExtras;
import io.quaestor.dsar.control.SubjectMessages;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.GoneException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.security.control.ServerKey;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The subject's way to their package: a link made when the email is sent (only its HMAC is
 * kept), good once and for a limited time, that opens only with a fresh code sent to the
 * request's address, so a forwarded or intercepted email alone is not enough. Every download is
 * in the audit trail.
 */
@ApplicationScoped
public class PackageLinks implements MessageExtras {

    /** A link redeemed with its code: the package to stream. */
    public record Redeemed(UUID packageId, String reference) {
    }

    private record Link(UUID id, UUID packageId, UUID requestId, Instant expiresAt, Instant usedAt, String packageState) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    AccessPackages packages;

    @Inject
    IdentityVerification verification;

    @Inject
    SubjectMessages messages;

    @Inject
    ServerKey serverKey;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.package.link-validity", defaultValue = "P7D")
    Duration linkValidity;

    @Inject
    @ConfigProperty(name = "quaestor.public-url", defaultValue = "http://localhost:8080")
    String publicUrl;

    @Override
    public Set<SubjectMessages.Kind> kinds() {
        return Set.of(SubjectMessages.Kind.PACKAGE_READY);
    }

    /** In the sending transaction: a new link to the request's ready package. */
    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<String, String> placeholders(DataSubjectRequest request, Instant now) {
        AccessPackages.PackageInfo info = packages.find(request.getId()).filter(p -> p.state().equals("READY")).orElse(null);
        if (info == null) {
            return Map.of("downloadUrl", publicUrl + "/privacy/ (the file is no longer available; make a new request)",
                    "linkExpiresAt", "-", "packageDeletedOn", "-");
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expires = now.plus(linkValidity).isBefore(info.expiresAt()) ? now.plus(linkValidity) : info.expiresAt();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO package_link (id, package_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, info.id());
            s.setBytes(3, hash(token));
            s.setObject(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            s.setObject(5, OffsetDateTime.ofInstant(expires, ZoneOffset.UTC));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the download link could not be stored", e);
        }
        return Map.of("downloadUrl", publicUrl + "/privacy/download.html#" + token,
                "linkExpiresAt", expires.truncatedTo(ChronoUnit.MINUTES).toString(),
                "packageDeletedOn", LocalDate.ofInstant(info.expiresAt(), ZoneOffset.UTC).toString());
    }

    /** An officer sends the subject a new link (the first expired or was lost); the old ones stay as they are. */
    @Transactional
    public void resend(UUID requestId, io.quaestor.security.control.Caller officer) {
        AccessPackages.PackageInfo info = packages.require(requestId);
        if (!"READY".equals(info.state())) {
            throw new GoneException("The package was deleted at the end of its retention period; it can no longer be sent.");
        }
        DataSubjectRequest request = em.find(DataSubjectRequest.class, requestId);
        if (request.getStatus() != io.quaestor.dsar.entity.RequestStatus.COMPLETED) {
            throw new io.quaestor.platform.problem.StateConflictException(
                    "The package is under review; completing the request sends the subject the first link.");
        }
        messages.queue(request, SubjectMessages.Kind.PACKAGE_READY);
        audit.appendAction(officer, "dsar.package-link-sent", "access-package", info.id().toString(), null,
                Map.of("request", request.getReference()));
    }

    /** Sends a fresh code to the request's address, if the link can still be used. */
    @Transactional
    public void sendCode(String token) {
        Link link = usable(token);
        messages.queue(em.find(DataSubjectRequest.class, link.requestId()), SubjectMessages.Kind.DOWNLOAD_CODE);
    }

    /**
     * Redeems the link with its code: a wrong code counts against the tries (in its own
     * transaction); the right one uses the link up, in the transaction that records the download.
     */
    @Transactional
    public Redeemed redeem(String token, String code) {
        Link link = usable(token);
        IdentityVerification.Result result = verification.check(link.requestId(), code);
        if (result.outcome() != IdentityVerification.Outcome.RIGHT) {
            throw result.problem();
        }
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE package_link SET used_at = ? WHERE id = ? AND used_at IS NULL")) {
            s.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            s.setObject(2, link.id());
            if (s.executeUpdate() != 1) {
                throw new GoneException("This download link was already used.");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the download link could not be used", e);
        }
        DataSubjectRequest request = em.find(DataSubjectRequest.class, link.requestId());
        audit.appendAction(null, "dsar.package-downloaded", "access-package", link.packageId().toString(), null,
                Map.of("request", request.getReference(), "by", "subject, after a code sent to the request's address"));
        return new Redeemed(link.packageId(), request.getReference());
    }

    private Link usable(String token) {
        Link link = find(token);
        if (link.usedAt() != null) {
            throw new GoneException("This download link was already used; ask us for a new one.");
        }
        if (!"READY".equals(link.packageState())) {
            throw new GoneException("The file was deleted at the end of its retention period; make a new request.");
        }
        if (!clock.instant().isBefore(link.expiresAt())) {
            throw new GoneException("This download link expired at " + link.expiresAt().truncatedTo(ChronoUnit.MINUTES)
                    + "; ask us for a new one.");
        }
        return link;
    }

    private Link find(String token) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT l.id, l.package_id, p.request_id, l.expires_at, l.used_at, p.state
                FROM package_link l JOIN access_package p ON p.id = l.package_id WHERE l.token_hash = ? FOR UPDATE OF l""")) {
            s.setBytes(1, hash(token));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("This download link is not valid.");
                }
                OffsetDateTime used = rs.getObject(5, OffsetDateTime.class);
                return new Link(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), used == null ? null : used.toInstant(), rs.getString(6));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the download link could not be read", e);
        }
    }

    private byte[] hash(String token) {
        return serverKey.hmac("package-link", token.strip());
    }
}
