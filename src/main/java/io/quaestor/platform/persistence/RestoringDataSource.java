package io.quaestor.platform.persistence;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * A gateway store's datasource whose connections go back to the pool as they came. A pooled
 * connection is shared by every feature: a scope that leaves it read-only, or an export that
 * leaves it in repeatable read or outside auto-commit, would otherwise break the next erasure or
 * purge that borrows it. On close, an unfinished transaction is rolled back (never committed by
 * restoring auto-commit), then read-only, isolation, schema and auto-commit are put back to what
 * they were when the connection was borrowed.
 */
public final class RestoringDataSource implements DataSource {

    private final DataSource pool;
    /** When set, every connection is borrowed with its search path set to this schema (restored on close). */
    private final String schema;

    private RestoringDataSource(DataSource pool, String schema) {
        this.pool = pool;
        this.schema = schema;
    }

    public static DataSource of(DataSource pool) {
        return pool instanceof RestoringDataSource ? pool : new RestoringDataSource(pool, null);
    }

    /**
     * A store whose tables live in a schema of their own (a LiteLLM proxy in schema
     * {@code litellm}): unqualified names and {@code current_schema()} resolve there; {@code pool}
     * restoring as {@link #of(DataSource)} when {@code schema} is null.
     */
    public static DataSource inSchema(DataSource pool, String schema) {
        if (schema == null) {
            return of(pool);
        }
        return new RestoringDataSource(pool instanceof RestoringDataSource r ? r.pool : pool, schema);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return inSchema(restoring(pool.getConnection()));
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return inSchema(restoring(pool.getConnection(username, password)));
    }

    private Connection inSchema(Connection c) throws SQLException {
        if (schema != null) {
            try {
                c.setSchema(schema);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    private static Connection restoring(Connection borrowed) {
        return (Connection) Proxy.newProxyInstance(RestoringDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Restorer(borrowed));
    }

    /** Remembers each setting the first time it is changed, and puts it back on close. */
    private static final class Restorer implements InvocationHandler {
        private final Connection connection;
        private Boolean autoCommit;
        private Boolean readOnly;
        private Integer isolation;
        private String schema;
        private boolean schemaChanged;
        private boolean closed;

        Restorer(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "setAutoCommit" -> remember(() -> autoCommit == null, () -> autoCommit = connection.getAutoCommit());
                case "setReadOnly" -> remember(() -> readOnly == null, () -> readOnly = connection.isReadOnly());
                case "setTransactionIsolation" -> remember(() -> isolation == null, () -> isolation = connection.getTransactionIsolation());
                case "setSchema" -> remember(() -> !schemaChanged, () -> {
                    schema = connection.getSchema();
                    schemaChanged = true;
                });
                case "close" -> {
                    close();
                    return null;
                }
                case "isClosed" -> {
                    if (closed) {
                        return true;
                    }
                }
                case "unwrap" -> {
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return proxy;
                    }
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                default -> {
                    // everything else goes to the borrowed connection
                }
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private interface Check {
            boolean first();
        }

        private interface Step {
            void run() throws SQLException;
        }

        private static void remember(Check check, Step step) throws SQLException {
            if (check.first()) {
                step.run();
            }
        }

        private void close() throws SQLException {
            if (closed) {
                return;
            }
            closed = true;
            SQLException failure = null;
            try {
                // only a local transaction this borrower opened; a container-managed one is not ours to end
                if (Boolean.TRUE.equals(autoCommit) && !connection.isClosed() && !connection.getAutoCommit()) {
                    connection.rollback();
                }
                if (readOnly != null) {
                    connection.setReadOnly(readOnly);
                }
                if (isolation != null) {
                    connection.setTransactionIsolation(isolation);
                }
                if (schemaChanged) {
                    connection.setSchema(schema);
                }
                if (autoCommit != null) {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException e) {
                failure = e;
            } finally {
                try {
                    connection.close();
                } catch (SQLException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
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
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }
}
