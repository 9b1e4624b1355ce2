package io.quaestor.platform.persistence;

import io.quaestor.breach.control.BreachScope;
import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.control.SubjectErasure;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.referencestore.control.ReferenceStoreSetup;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.retention.control.RetentionPurge;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.io.StringReader;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway connection goes back to the pool as it came: on a pool of one connection, a breach
 * scope (which reads read-only) is followed by an erasure, a restriction and a retention chunk,
 * all of which write. Without {@link RestoringDataSource} the same sequence fails, which shows
 * what the test guards.
 */
class BorrowedConnectionsTest {

    private static final LocalDate LAST_DAY = LocalDate.now();
    private static PGSimpleDataSource raw;
    private static DataMap map;

    @BeforeAll
    static void store() throws Exception {
        raw = TestDatabase.freshGateway("onepool");
        ReferenceStoreSetup.flyway(raw).migrate();
        new GatewayDataGenerator(raw::getConnection, 2).generate(new GenerationPlan(3, 12, 3_000, 10, 1, 5, LAST_DAY));
        map = DataMapValidator.validate(DataMapReader.read(new StringReader(
                Files.readString(Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped"), name -> Optional.of(raw));
    }

    @Test
    void aScopeLeavesTheOnlyConnectionFitForErasureRestrictionAndRetention() throws Exception {
        try (OneConnectionPool pool = new OneConnectionPool(raw.getConnection())) {
            DataSource store = RestoringDataSource.of(pool);
            scope(store);
            assertFalse(pool.physical.isReadOnly(), "read-only was reset");
            assertTrue(pool.physical.getAutoCommit(), "auto-commit was reset");
            assertEquals(Connection.TRANSACTION_READ_COMMITTED, pool.physical.getTransactionIsolation());

            List<String> accounts = strings("SELECT id::text FROM accounts ORDER BY id LIMIT 3");
            new SubjectErasure(map, store).apply(List.of(UUID.fromString(accounts.get(0))), (column, value) -> "ps_" + column, done -> { });
            assertTrue(new SubjectRows(map, store).restrict(UUID.fromString(accounts.get(1))));
            String tenant = strings("SELECT organization_id::text FROM accounts WHERE id = '" + accounts.get(2) + "'").get(0);
            RetentionPurge purge = new RetentionPurge(store, new RetentionPurge.Target("request_metadata", "occurred_at", "request_id",
                    "uuid", "organization_id", "uuid", tenant, "account_id", Instant.now().minus(3, ChronoUnit.DAYS)));
            purge.next(null, 100, List::of, false);

            scope(store);
            new SubjectRows(map, store).restrict(UUID.fromString(accounts.get(2)));
        }
    }

    @Test
    void withoutRestoringTheSameSequenceFails() throws Exception {
        try (OneConnectionPool pool = new OneConnectionPool(raw.getConnection())) {
            scope(pool);
            List<String> accounts = strings("SELECT id::text FROM accounts ORDER BY id DESC LIMIT 1");
            assertThrows(Exception.class, () -> new SubjectErasure(map, pool).apply(List.of(UUID.fromString(accounts.get(0))),
                    (column, value) -> "ps_" + column, done -> { }), "the connection the scope left read-only refuses the erasure");
        }
    }

    private static void scope(DataSource store) {
        BreachScope.Description everyone = new BreachScope.Description(List.of(), List.of(), null, null, null, List.of(), true);
        BreachScope.compute(map, store, everyone);
        BreachScope.page(map, store, everyone, "", 5, affected -> { });
    }

    private static List<String> strings(String sql) throws SQLException {
        try (Connection c = raw.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new java.util.ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    /** A pool of one: every borrow hands out the same physical connection, and a return keeps it open. */
    private static final class OneConnectionPool implements DataSource, AutoCloseable {
        final Connection physical;
        private boolean lent;

        OneConnectionPool(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (lent) {
                throw new SQLException("the pool's only connection is in use");
            }
            lent = true;
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                if (method.getName().equals("close")) {
                    lent = false;
                    return null;
                }
                try {
                    return method.invoke(physical, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public void close() throws SQLException {
            physical.close();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
