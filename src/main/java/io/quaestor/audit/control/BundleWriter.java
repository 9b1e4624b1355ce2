package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes an audit bundle (ZIP) of the whole trail, the events after the latest checkpoint included
 * (the verifier reports them as unsealed, so a forged tail cannot hide past the last seal):
 * <ul>
 *   <li>{@code events.ndjson}: each event's canonical JSON, re-derived from its columns, one per line;
 *   an event past online retention is {@code {"payloadArchived":true,"seq":N}}, its record being in the archive;</li>
 *   <li>{@code leaves.txt}: {@code seq leaf-hash-hex} as stored, so a changed column is located exactly;</li>
 *   <li>{@code checkpoints.txt}: every signed checkpoint statement followed by its {@code signature=} line and a blank line;</li>
 *   <li>{@code append-signatures.txt}: the append signatures from the one holding the last sealed event on, each
 *   statement (naming its range and the hash chain value after it) followed by its {@code signature=} line and a
 *   blank line; the newest vouches for every event up to its last;</li>
 *   <li>{@code public-key.txt}: the key Quaestor signs with (an auditor should check against their own copy).</li>
 * </ul>
 * {@code audit/VerifyBundle.java} checks it with nothing but a JDK. Streams, so memory stays flat.
 */
public final class BundleWriter {

    private BundleWriter() {
    }

    /** @return the number of events written */
    public static long write(Connection c, String publicKeyBase64, OutputStream target) throws SQLException, IOException {
        long size = trailSize(c);
        try (ZipOutputStream zip = new ZipOutputStream(target)) {
            zip.putNextEntry(new ZipEntry("append-signatures.txt"));
            // From the append that holds the last sealed event on: enough to locate a break in the chain
            // after the last checkpoint (before it, the signed roots do), the newest one vouching for all.
            try (PreparedStatement s = c.prepareStatement("SELECT statement, signature FROM audit_append_signature "
                    + "WHERE last_seq >= (SELECT coalesce(max(tree_size), 0) - 1 FROM audit_checkpoint) AND last_seq < ? ORDER BY last_seq")) {
                s.setLong(1, size);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        zip.write((rs.getString(1) + "signature=" + Base64.getEncoder().encodeToString(rs.getBytes(2)) + "\n\n")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("checkpoints.txt"));
            // Every checkpoint, even one that covers more events than remain: the verifier then names the missing tail.
            try (PreparedStatement s = c.prepareStatement("SELECT statement, signature FROM audit_checkpoint ORDER BY tree_size, id")) {
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        zip.write((rs.getString(1) + "signature=" + Base64.getEncoder().encodeToString(rs.getBytes(2)) + "\n\n")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("public-key.txt"));
            zip.write((publicKeyBase64 + "\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            long events = writeEvents(c, size, zip);
            writeLeaves(c, size, zip);
            return events;
        }
    }

    private static long writeEvents(Connection c, long size, ZipOutputStream zip) throws SQLException, IOException {
        zip.putNextEntry(new ZipEntry("events.ndjson"));
        long count = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT seq, event_id, occurred_at, recorded_at, actor, actor_role, "
                + "authentication_method, break_glass, action, resource_type, resource_id, tenant, justification_code, "
                + "justification_reference, grant_id, approval_id, outcome, origin, request_id, details, payload_removed_at IS NOT NULL "
                + "FROM audit_event WHERE seq < ? ORDER BY seq")) {
            s.setFetchSize(10_000);
            s.setLong(1, size);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(21)) {
                        zip.write(("{\"payloadArchived\":true,\"seq\":" + rs.getLong(1) + "}").getBytes(StandardCharsets.UTF_8));
                    } else {
                        AuditEvent event = TrailVerifier.rebuild(rs);
                        zip.write(event.canonical(rs.getLong(1), rs.getObject(4, OffsetDateTime.class).toInstant()));
                    }
                    zip.write('\n');
                    count++;
                }
            }
        }
        zip.closeEntry();
        return count;
    }

    private static void writeLeaves(Connection c, long size, ZipOutputStream zip) throws SQLException, IOException {
        zip.putNextEntry(new ZipEntry("leaves.txt"));
        try (PreparedStatement s = c.prepareStatement("SELECT seq, leaf_hash FROM audit_event WHERE seq < ? ORDER BY seq")) {
            s.setFetchSize(10_000);
            s.setLong(1, size);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    zip.write((rs.getLong(1) + " " + HexFormat.of().formatHex(rs.getBytes(2)) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        zip.closeEntry();
    }

    private static long trailSize(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT coalesce(max(seq) + 1, 0) FROM audit_event");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
