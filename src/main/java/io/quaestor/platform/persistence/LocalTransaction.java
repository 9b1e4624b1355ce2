package io.quaestor.platform.persistence;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A transaction of one plain JDBC connection, outside JTA: the gateway's stores are written this
 * way (a second non-XA resource cannot join Quaestor's JTA transaction). Commits when the work
 * returns, rolls back when it throws, and keeps the work's exception (a failed rollback is added
 * to it, not put in its place).
 */
public final class LocalTransaction {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws Exception;
    }

    private LocalTransaction() {
    }

    public static <T> T in(Connection c, Work<T> work) throws Exception {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (Exception e) {
            try {
                c.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
