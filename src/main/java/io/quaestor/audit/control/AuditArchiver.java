package io.quaestor.audit.control;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Moves the payload of events past the online period to an archive file and out of the database;
 * deletes archive files past the total retention. The database keeps every event's seq and leaf
 * hash, so checkpoints and proofs still verify. An archive is gzipped NDJSON of the canonical
 * records exactly as hashed (so each line re-derives its leaf), beside a JSON sidecar with its
 * SHA-256, sequence range and newest event time. Works on the caller's connection and transaction:
 * the removal commits with the caller's audit event, and a failure leaves every payload in place.
 */
public final class AuditArchiver {

    /** What one archive run moved. */
    public record Archived(String file, String sha256, long events, long firstSeq, long lastSeq, Instant newestOccurredAt) {
    }

    private static final String CANDIDATES = """
            SELECT seq, canonical, leaf_hash, occurred_at FROM audit_event
            WHERE payload_removed_at IS NULL AND occurred_at < ? AND seq <= ? ORDER BY seq""";

    private AuditArchiver() {
    }

    /** Archives and removes the payload of events that occurred before the cutoff; empty when there were none. */
    public static Optional<Archived> archive(Connection c, Path dir, Instant cutoff) throws SQLException, IOException {
        long upTo = maxSeq(c);
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, ".audit-archive-", ".partial");
        try {
            Optional<Archived> written = write(c, temporary, cutoff, upTo);
            if (written.isEmpty()) {
                return written;
            }
            Archived archived = written.get();
            long removed = removePayload(c, cutoff, upTo, archived.file());
            if (removed != archived.events()) {
                throw new IllegalStateException("archived " + archived.events() + " events but removed " + removed + " payloads");
            }
            Files.move(temporary, dir.resolve(archived.file()), StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel channel = FileChannel.open(dir.resolve(archived.file()), StandardOpenOption.READ)) {
                channel.force(true);
            }
            Files.writeString(dir.resolve(sidecar(archived.file())), sidecarJson(archived), StandardCharsets.UTF_8);
            return written;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Deletes archive files whose newest event occurred before the cutoff; returns their sidecars' contents. */
    public static List<Archived> purge(Path dir, Instant cutoff) throws IOException {
        List<Archived> purged = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return purged;
        }
        try (DirectoryStream<Path> sidecars = Files.newDirectoryStream(dir, "audit-archive-*.json")) {
            for (Path sidecar : sidecars) {
                Archived archived = readSidecar(sidecar);
                if (archived.newestOccurredAt().isBefore(cutoff)) {
                    Files.deleteIfExists(dir.resolve(archived.file()));
                    Files.delete(sidecar);
                    purged.add(archived);
                }
            }
        }
        return purged;
    }

    private static Optional<Archived> write(Connection c, Path target, Instant cutoff, long upTo) throws SQLException, IOException {
        MessageDigest fileDigest = sha256();
        long events = 0;
        long first = -1;
        long last = -1;
        Instant newest = Instant.EPOCH;
        try (OutputStream out = new GZIPOutputStream(new DigestOutputStream(Files.newOutputStream(target), fileDigest));
             PreparedStatement s = c.prepareStatement(CANDIDATES)) {
            s.setFetchSize(10_000);
            s.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            s.setLong(2, upTo);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byte[] canonical = rs.getBytes(2);
                    if (!Arrays.equals(MerkleTree.leafHash(canonical), rs.getBytes(3))) {
                        throw new IllegalStateException("event " + rs.getLong(1) + " no longer matches its leaf hash; "
                                + "verify the trail before archiving it");
                    }
                    out.write(canonical);
                    out.write('\n');
                    first = first < 0 ? rs.getLong(1) : first;
                    last = rs.getLong(1);
                    Instant occurred = rs.getObject(4, OffsetDateTime.class).toInstant();
                    newest = occurred.isAfter(newest) ? occurred : newest;
                    events++;
                }
            }
        }
        if (events == 0) {
            return Optional.empty();
        }
        String file = "audit-archive-" + first + "-" + last + ".ndjson.gz";
        return Optional.of(new Archived(file, HexFormat.of().formatHex(fileDigest.digest()), events, first, last, newest));
    }

    private static long removePayload(Connection c, Instant cutoff, long upTo, String file) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT audit_remove_payload(?, ?, ?)")) {
            s.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            s.setLong(2, upTo);
            s.setString(3, file);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long maxSeq(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT coalesce(max(seq), -1) FROM audit_event");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String sidecar(String file) {
        return file.replace(".ndjson.gz", ".json");
    }

    private static String sidecarJson(Archived a) {
        return Json.createObjectBuilder().add("file", a.file()).add("sha256", a.sha256()).add("events", a.events())
                .add("firstSeq", a.firstSeq()).add("lastSeq", a.lastSeq()).add("newestOccurredAt", a.newestOccurredAt().toString())
                .build().toString() + "\n";
    }

    private static Archived readSidecar(Path sidecar) throws IOException {
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(sidecar, StandardCharsets.UTF_8))) {
            JsonObject json = reader.readObject();
            return new Archived(json.getString("file"), json.getString("sha256"), json.getJsonNumber("events").longValue(),
                    json.getJsonNumber("firstSeq").longValue(), json.getJsonNumber("lastSeq").longValue(),
                    Instant.parse(json.getString("newestOccurredAt")));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
