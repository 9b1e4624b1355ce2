package io.quaestor.accesspackages.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.dsar.control.CompletionEffects;
import io.quaestor.dsar.control.DataSubjectRequests;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RequestStatus;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.GoneException;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Review before release: the officer builds the package while the request is still in progress,
 * opens its letter, manifest and tables (each opening an audited read of the subject's data), and
 * only completing the request sends the subject the link to exactly the package reviewed.
 */
@ApplicationScoped
public class PackageReview {

    /** A file of the package as the manifest names it. */
    public record PackageFile(String path, String mediaType, InputStream content) {
    }

    private static final Pattern FILE_PATH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");

    @Inject
    DataSubjectRequests requests;

    @Inject
    CompletionEffects effects;

    @Inject
    AccessPackages packages;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    PackageReview self;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    /** Builds the package of an access or portability request in progress (once: a ready package is kept). */
    public AccessPackages.PackageInfo prepare(UUID requestId, Caller officer) {
        DataSubjectRequest request = requests.get(requestId);
        if (request.getType() != RequestType.ACCESS && request.getType() != RequestType.PORTABILITY) {
            throw new StateConflictException("Only an access or portability request has a package.");
        }
        if (request.getStatus() != RequestStatus.IN_PROGRESS) {
            throw new StateConflictException("The package is prepared while the request is in progress; this one is "
                    + request.getStatus().name().toLowerCase().replace('_', ' ') + ".");
        }
        packages.fulfil(request, effects.subjectKeys(request), officer);
        return packages.require(requestId);
    }

    /**
     * Opens one file of the request's package for an officer. The read is recorded before any byte
     * is served; opening the letter or the manifest marks the package as reviewed.
     */
    public PackageFile open(UUID requestId, String path, Caller officer) {
        if (path == null || !FILE_PATH.matcher(path).matches() || path.contains("..")) {
            throw new InvalidInputException("file", "A file is named as the package's manifest names it, such as letter.pdf.");
        }
        AccessPackages.PackageInfo info = packages.require(requestId);
        if (!"READY".equals(info.state())) {
            throw new GoneException("The package was deleted at the end of its retention period.");
        }
        // Looked for first, with the package's connection closed again: the audit transaction must not enlist it.
        if (!contains(info.id(), path)) {
            throw new NotFoundException("The package has no file " + path + ".");
        }
        self.recordOpened(info, path, officer);
        return new PackageFile(path, mediaType(path), entry(info.id(), path));
    }

    @Transactional
    public void recordOpened(AccessPackages.PackageInfo info, String path, Caller officer) {
        DataSubjectRequest request = requests.get(info.requestId());
        audit.appendAction(officer, "dsar.package-reviewed", "access-package", info.id().toString(), null,
                Map.of("request", request.getReference(), "file", path));
        if (PackageWriter.LETTER.equals(path) || PackageWriter.MANIFEST.equals(path)) {
            try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                    "UPDATE access_package SET reviewed_at = ?, reviewed_by = ? WHERE id = ? AND reviewed_at IS NULL")) {
                s.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                s.setObject(2, officer.userId());
                s.setObject(3, info.id());
                s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("the review could not be recorded", e);
            }
        }
    }

    private boolean contains(UUID packageId, String path) {
        try (InputStream in = entry(packageId, path)) {
            return in != null;
        } catch (NotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The package's ZIP read up to the named entry; the stream ends with that entry and closes the package. */
    private InputStream entry(UUID packageId, String path) {
        ZipInputStream zip = new ZipInputStream(packages.open(packageId));
        try {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(path)) {
                    return zip;
                }
            }
            zip.close();
        } catch (IOException e) {
            // The stream holds the package's database connection: give it back before failing.
            try {
                zip.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException(e);
        }
        throw new NotFoundException("The package has no file " + path + ".");
    }

    private static String mediaType(String path) {
        if (path.endsWith(".pdf")) {
            return "application/pdf";
        }
        if (path.endsWith(".csv")) {
            return "text/csv; charset=UTF-8";
        }
        if (path.endsWith(".jsonl")) {
            return "application/x-ndjson";
        }
        return path.endsWith(".json") ? "application/json" : "application/octet-stream";
    }
}
