package io.quaestor.platform.persistence;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Parameterised statements on a connection of the caller's transaction; a {@code String[]} binds as a text array. */
public final class Statements {

    private Statements() {
    }

    /** @return the rows changed */
    public static int update(DataSource dataSource, String sql, Object... values) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, values);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("a write to Quaestor's database failed", e);
        }
    }

    /** Binds the values in order. */
    public static void bind(PreparedStatement s, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof String[] array) {
                s.setArray(i + 1, s.getConnection().createArrayOf("text", array));
            } else {
                s.setObject(i + 1, values[i]);
            }
        }
    }
}
