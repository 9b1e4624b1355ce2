package io.quaestor.platform.persistence;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * A gateway store whose tables live in a schema of their own (a LiteLLM proxy installed in schema
 * {@code litellm}): every connection borrowed from it resolves unqualified names, and
 * {@code current_schema()}, in that schema, and goes back to the pool with its schema restored.
 */
public final class SchemaDataSource implements DataSource {

    private final DataSource pool;
    private final String schema;

    private SchemaDataSource(DataSource pool, String schema) {
        this.pool = RestoringDataSource.of(pool);
        this.schema = schema;
    }

    /** {@code pool} itself when {@code schema} is null (the connection's default search path). */
    public static DataSource of(DataSource pool, String schema) {
        return schema == null ? pool : new SchemaDataSource(pool, schema);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return inSchema(pool.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return inSchema(pool.getConnection(username, password));
    }

    private Connection inSchema(Connection c) throws SQLException {
        try {
            c.setSchema(schema);
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return pool.isWrapperFor(type);
    }
}
