package io.quaestor.accesspackages.control;

import io.quaestor.audit.control.AuditSealer;
import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.access.control.AccessAudit;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.control.SubjectFinder;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectKeys;
import io.quaestor.dsar.control.Fulfilment;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.platform.crypto.SealedStream;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.timers.DeadlineTimers;
import io.quaestor.platform.timers.TimerDue;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.ServerKey;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.SecretKey;
import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Fulfils access and portability requests: builds the package from the data map in one pass,
 * sealing it as it streams into PostgreSQL (so any instance can serve it and a failure leaves
 * nothing behind), then records and schedules its deletion. Deleting a package also destroys its
 * wrapped key, so no copy of the ciphertext (in a backup, say) can be opened afterwards.
 */
@ApplicationScoped
public class AccessPackages implements Fulfilment {

    public static final String EXPIRY = "ACCESS_PACKAGE_EXPIRY";

    /** A package as the office sees it; never its content. */
    public record PackageInfo(UUID id, UUID requestId, String kind, String state, String dataMapVersion, Integer files,
                              Long rows, Long sizeBytes, String sha256, Instant createdAt, Instant readyAt, Instant expiresAt,
                              Instant deletedAt, int linksSent, Instant downloadedAt, Instant reviewedAt, UUID reviewedBy) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    DataMaps maps;

    @Inject
    AuditSealer sealer;

    @Inject
    SubjectFinder finder;

    @Inject
    AccessAudit accessAudit;

    @Inject
    AuditLog audit;

    @Inject
    DeadlineTimers timers;

    @Inject
    ServerKey serverKey;

    @Inject
    AccessPackages self;

    @Inject
    Clock clock;

    @Inject
    io.quaestor.documents.control.ControllerIdentity controller;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.package.keep-for", defaultValue = "P30D")
    Duration keepFor;

    @Inject
    @ConfigProperty(name = "quaestor.secrets.package-key")
    Optional<String> configuredKey;




    @Inject
    @ConfigProperty(name = "quaestor.public-url", defaultValue = "http://localhost:8080")
    String publicUrl;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.package.review-before-release", defaultValue = "false")
    boolean reviewBeforeRelease;

    @Override
    public boolean fulfils(RequestType type) {
        return type == RequestType.ACCESS || type == RequestType.PORTABILITY;
    }

    /** With review before release, the link goes out only once an officer has opened the built package's letter or manifest. */
    @Override
    public Optional<String> completionBlocker(DataSubjectRequest request) {
        if (!reviewBeforeRelease) {
            return Optional.empty();
        }
        Optional<PackageInfo> built = find(request.getId()).filter(p -> p.state().equals("READY"));
        if (built.isEmpty()) {
            return Optional.of("Packages are reviewed before release: prepare the package and open its letter first.");
        }
        return built.get().reviewedAt() == null
                ? Optional.of("Packages are reviewed before release: open the package's letter or manifest first.")
                : Optional.empty();
    }

    /** Builds the request's package, unless a ready one exists (completing again after a failure). */
    @Override
    public void fulfil(DataSubjectRequest request, SubjectKeys subjects, Caller officer) {
        if (find(request.getId()).filter(p -> p.state().equals("READY")).isPresent()) {
            return;
        }
        DataMap map = maps.active().map();
        boolean portability = request.getType() == RequestType.PORTABILITY;
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        SealedStream.StreamKey streamKey = SealedStream.StreamKey.random();
        byte[] header = header(id);
        PackageWriter.Summary summary;
        String zipSha256;
        List<PackageWriter.ExtraDataset> extras;
        try {
            // Operators look up subjects of the map's first kind only (the access gate), so that is whose history there is.
            extras = portability ? List.of() : List.of(operatorAccess(subjects.of(map.subject().name())));
        } catch (SQLException e) {
            throw new IllegalStateException("the operator-access history could not be read", e);
        }
        // No JTA transaction may begin while this connection is open on the thread: it would be enlisted.
        try (Connection c = quaestor.getConnection()) {
            c.setAutoCommit(false);
            try {
                insertBuilding(c, id, request, SealedStream.wrap(masterKey(), streamKey, header), map.version(), now);
                MessageDigest zipDigest = MessageDigest.getInstance("SHA-256");
                long[] size = new long[1];
                try (PreparedStatement segment = c.prepareStatement(
                        "INSERT INTO access_package_segment (package_id, seq, sealed) VALUES (?, ?, ?)");
                     OutputStream sealed = SealedStream.sealing(streamKey, header, (i, bytes) -> insert(segment, id, i, bytes))) {
                    OutputStream counted = new DigestOutputStream(new CountingStream(sealed, size), zipDigest);
                    AccessLetter letter = new AccessLetter(map, new AccessLetter.Controller(controller.name(), controller.contact(),
                            controller.authority(), publicUrl + "/privacy/"));
                    Predicate<DataMap.MappedTable> tables = portability ? PackageWriter.PORTABLE : t -> true;
                    summary = new PackageWriter(map, finder::rows).write(counted,
                            new PackageWriter.Header(request.getReference(), request.getType().name(), now, map.version()),
                            subjects, tables, extras, s -> letter.write(new AccessLetter.Request(request.getReference(), portability,
                                    request.getReceivedAt(), now, subjects.count()), s));
                }
                byte[] digest = zipDigest.digest();
                zipSha256 = java.util.HexFormat.of().formatHex(digest);
                markReady(c, id, summary, size[0], digest, clock.instant());
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the package could not be built", e);
        }
        self.recordBuilt(id, request, summary, zipSha256, officer, now.plus(keepFor));
    }

    @Transactional
    public void recordBuilt(UUID id, DataSubjectRequest request, PackageWriter.Summary summary, String zipSha256, Caller officer,
                            Instant expiresAt) {
        Map<String, String> details = new TreeMap<>();
        details.put("request", request.getReference());
        details.put("kind", request.getType().name());
        details.put("files", Integer.toString(summary.files().size()));
        details.put("rows", Long.toString(summary.totalRows()));
        details.put("sha256", zipSha256);
        audit.appendAction(officer, "dsar.package-built", "access-package", id.toString(), null, details);
        timers.schedule(EXPIRY, id, expiresAt);
    }

    /** Deletes a package when its time is up: the sealed segments go, and so does the key that could open any copy. */
    void onTimer(@Observes TimerDue timer) {
        if (EXPIRY.equals(timer.kind())) {
            delete(timer.refId(), "kept for " + keepFor);
        }
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public boolean delete(UUID packageId, String why) {
        try (Connection c = quaestor.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM access_package_segment WHERE package_id = ?")) {
                s.setObject(1, packageId);
                s.executeUpdate();
            }
            int changed;
            try (PreparedStatement s = c.prepareStatement("UPDATE access_package SET state = 'DELETED', wrapped_key = NULL, "
                    + "deleted_at = ? WHERE id = ? AND state <> 'DELETED'")) {
                s.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                s.setObject(2, packageId);
                changed = s.executeUpdate();
            }
            if (changed == 1) {
                audit.appendAction(null, "dsar.package-deleted", "access-package", packageId.toString(), null, Map.of("why", why));
            }
            return changed == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("the package could not be deleted", e);
        }
    }

    public Optional<PackageInfo> find(UUID requestId) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT p.id, p.request_id, p.kind, p.state, p.datamap_version, p.files, p.rows_exported, p.size_bytes, p.sha256,
                       p.created_at, p.ready_at, p.expires_at, p.deleted_at,
                       (SELECT count(*) FROM package_link l WHERE l.package_id = p.id),
                       (SELECT max(l.used_at) FROM package_link l WHERE l.package_id = p.id), p.reviewed_at, p.reviewed_by
                FROM access_package p WHERE p.request_id = ?""")) {
            s.setObject(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new PackageInfo(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        rs.getString(4), rs.getString(5), (Integer) rs.getObject(6), (Long) rs.getObject(7), (Long) rs.getObject(8),
                        rs.getBytes(9) == null ? null : java.util.HexFormat.of().formatHex(rs.getBytes(9)), Timestamps.instant(rs, 10),
                        Timestamps.instant(rs, 11), Timestamps.instant(rs, 12), Timestamps.instant(rs, 13), rs.getInt(14), Timestamps.instant(rs, 15),
                        Timestamps.instant(rs, 16), rs.getObject(17, UUID.class)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the package could not be read", e);
        }
    }

    public PackageInfo require(UUID requestId) {
        return find(requestId).orElseThrow(() -> new NotFoundException("This request has no package."));
    }

    /** The package's ZIP, opened segment by segment as it is read; one connection for the whole read. */
    public InputStream open(UUID packageId) {
        try {
            Connection c = quaestor.getConnection();
            byte[] wrapped;
            try (PreparedStatement s = c.prepareStatement("SELECT wrapped_key FROM access_package WHERE id = ? AND state = 'READY'")) {
                s.setObject(1, packageId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        c.close();
                        throw new NotFoundException("The package no longer exists.");
                    }
                    wrapped = rs.getBytes(1);
                }
            }
            byte[] header = header(packageId);
            SealedStream.StreamKey key = SealedStream.unwrap(masterKey(), wrapped, header);
            PreparedStatement read = c.prepareStatement("SELECT sealed FROM access_package_segment WHERE package_id = ? AND seq = ?");
            int[] next = {0};
            InputStream plain = SealedStream.opening(key, header, () -> {
                try {
                    read.setObject(1, packageId);
                    read.setInt(2, next[0]++);
                    try (ResultSet rs = read.executeQuery()) {
                        return rs.next() ? rs.getBytes(1) : null;
                    }
                } catch (SQLException e) {
                    throw new IOException("a segment could not be read", e);
                }
            });
            return new java.io.FilterInputStream(plain) {
                @Override
                public void close() throws IOException {
                    super.close();
                    try {
                        c.close();
                    } catch (SQLException e) {
                        throw new IOException(e);
                    }
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException("the package could not be opened", e);
        }
    }

    /** The operator-access events about these accounts: who looked, when, why, and whether it was allowed. */
    private PackageWriter.ExtraDataset operatorAccess(List<Object> keys) throws SQLException {
        sealer.catchUp();
        List<Object[]> rows = new ArrayList<>();
        Map<Object, String> tenants = finder.rows().tenantsOf(keys);
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT occurred_at, actor, action, justification_code, justification_reference, break_glass, outcome, seq
                FROM audit_event WHERE tenant = ? AND resource_type = 'account' AND resource_id = ? ORDER BY seq""")) {
            for (Map.Entry<Object, String> subject : tenants.entrySet()) {
                s.setString(1, subject.getValue());
                s.setString(2, accessAudit.accountPseudonym(subject.getValue(), subject.getKey().toString()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Object[]{rs.getTimestamp(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getObject(6), rs.getString(7), rs.getLong(8)});
                    }
                }
            }
        }
        return new PackageWriter.ExtraDataset("access-transparency", "operator-access", List.of(
                new PackageWriter.Column("occurred_at", "Time (UTC)"), new PackageWriter.Column("operator", "Operator (staff id)"),
                new PackageWriter.Column("action", "Action"), new PackageWriter.Column("justification", "Justification"),
                new PackageWriter.Column("reference", "Ticket or incident"), new PackageWriter.Column("break_glass", "Emergency access"),
                new PackageWriter.Column("outcome", "Outcome"), new PackageWriter.Column("audit_seq", "Audit trail entry")), rows);
    }

    private SecretKey masterKey() {
        return configuredKey.map(k -> (SecretKey) new javax.crypto.spec.SecretKeySpec(decode(k), "AES"))
                .orElseGet(() -> serverKey.derivedKey("access-package"));
    }

    private static byte[] decode(String base64) {
        byte[] key = Base64.getDecoder().decode(base64.trim());
        if (key.length != 32) {
            throw new IllegalStateException("quaestor.secrets.package-key must be 32 bytes, base64");
        }
        return key;
    }

    private static byte[] header(UUID id) {
        return ("quaestor-access-package/1:" + id).getBytes(StandardCharsets.UTF_8);
    }

    private void insertBuilding(Connection c, UUID id, DataSubjectRequest request, byte[] wrappedKey, String version, Instant now)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO access_package (id, request_id, kind, state, wrapped_key, "
                + "datamap_version, created_at, expires_at) VALUES (?, ?, ?, 'BUILDING', ?, ?, ?, ?)")) {
            s.setObject(1, id);
            s.setObject(2, request.getId());
            s.setString(3, request.getType().name());
            s.setBytes(4, wrappedKey);
            s.setString(5, version);
            s.setObject(6, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            s.setObject(7, OffsetDateTime.ofInstant(now.plus(keepFor), ZoneOffset.UTC));
            s.executeUpdate();
        }
    }

    private static void markReady(Connection c, UUID id, PackageWriter.Summary summary, long size, byte[] sha256, Instant at)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE access_package SET state = 'READY', files = ?, rows_exported = ?, "
                + "size_bytes = ?, sha256 = ?, ready_at = ? WHERE id = ?")) {
            s.setInt(1, summary.files().size() + 1);
            s.setLong(2, summary.totalRows());
            s.setLong(3, size);
            s.setBytes(4, sha256);
            s.setObject(5, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            s.setObject(6, id);
            s.executeUpdate();
        }
    }

    private static void insert(PreparedStatement segment, UUID id, int index, byte[] sealed) throws IOException {
        try {
            segment.setObject(1, id);
            segment.setInt(2, index);
            segment.setBytes(3, sealed);
            segment.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("a sealed segment could not be stored", e);
        }
    }


    /** Counts the bytes written through it. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        private final long[] count;

        CountingStream(OutputStream out, long[] count) {
            super(out);
            this.count = count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count[0]++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count[0] += len;
        }
    }
}
