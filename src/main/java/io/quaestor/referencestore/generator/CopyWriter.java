package io.quaestor.referencestore.generator;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Rows for PostgreSQL's {@code COPY ... FROM STDIN} in text format, buffered and sent in chunks.
 * Values are escaped as the text format requires; {@code null} becomes {@code \N}.
 */
final class CopyWriter implements AutoCloseable {

    private static final int CHUNK = 1 << 20;

    private final CopyIn copy;
    private final StringBuilder buffer = new StringBuilder(CHUNK + 4096);
    private boolean firstInRow = true;
    private long rows;

    CopyWriter(Connection connection, String table, String columns) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        this.copy = pg.getCopyAPI().copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
    }

    CopyWriter text(String value) {
        separator();
        if (value == null) {
            buffer.append("\\N");
        } else {
            escape(value);
        }
        return this;
    }

    CopyWriter number(long value) {
        separator();
        buffer.append(value);
        return this;
    }

    CopyWriter bool(boolean value) {
        separator();
        buffer.append(value ? 't' : 'f');
        return this;
    }

    CopyWriter uuid(UUID value) {
        return text(value == null ? null : value.toString());
    }

    /** A literal that needs no escaping (timestamps, inet, bytea hex). */
    CopyWriter raw(String value) {
        separator();
        buffer.append(value == null ? "\\N" : value);
        return this;
    }

    void endRow() throws SQLException {
        buffer.append('\n');
        firstInRow = true;
        rows++;
        if (buffer.length() >= CHUNK) {
            flush();
        }
    }

    long rows() {
        return rows;
    }

    private void separator() {
        if (!firstInRow) {
            buffer.append('\t');
        }
        firstInRow = false;
    }

    private void escape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> buffer.append("\\\\");
                case '\t' -> buffer.append("\\t");
                case '\n' -> buffer.append("\\n");
                case '\r' -> buffer.append("\\r");
                default -> buffer.append(c);
            }
        }
    }

    private void flush() throws SQLException {
        if (buffer.isEmpty()) {
            return;
        }
        byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        buffer.setLength(0);
    }

    @Override
    public void close() throws SQLException {
        flush();
        copy.endCopy();
    }
}
