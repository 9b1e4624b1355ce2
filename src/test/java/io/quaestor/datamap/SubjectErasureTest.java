package io.quaestor.datamap;

import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.control.SubjectErasure;
import io.quaestor.datamap.control.SubjectQueries;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.referencestore.control.ReferenceStoreSetup;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Erasure on the reference store, for randomly chosen subjects: afterwards the verification scan
 * is clean, every other row of every table is byte-for-byte what it was, and invoices and
 * payments stay with their personal fields pseudonymized. A failure before commit changes nothing.
 */
class SubjectErasureTest {

    private static final long SEED = Long.getLong("quaestor.test.seed", System.nanoTime());
    private static PGSimpleDataSource gateway;
    private static DataMap map;
    private static SubjectErasure erasure;
    private static SubjectQueries queries;

    @BeforeAll
    static void referenceStoreWithData() throws Exception {
        gateway = TestDatabase.freshGateway("erasure");
        ReferenceStoreSetup.flyway(gateway).migrate();
        new GatewayDataGenerator(gateway::getConnection, 2)
                .generate(new GenerationPlan(3, 40, 20_000, 5, 2, 7, LocalDate.of(2026, 11, 20)));
        map = DataMapValidator.validate(DataMapReader.read(new StringReader(
                Files.readString(Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped"),
                name -> Optional.of(gateway));
        erasure = new SubjectErasure(map, gateway);
        queries = new SubjectQueries(map);
    }

    @Test
    void randomSubjectsAreErasedCompletelyAndNobodyElseIsTouched() throws Exception {
        Random random = new Random(SEED);
        List<UUID> accounts = accountsWithInvoices();
        for (int round = 0; round < 3; round++) {
            UUID account = accounts.remove(random.nextInt(accounts.size()));
            String why = "seed " + SEED + ", account " + account;
            List<Object> keys = List.of(account);
            Map<String, List<Object>> retainedIds = retainedRowIds(keys);
            Map<String, String> before = checksumsExcludingSubject(keys, retainedIds);
            Map<String, List<String>> identifiers = erasure.identifiers(keys);
            assertTrue(identifiers.get("email").size() == 1 && identifiers.containsKey("account-id"), why);
            List<SubjectErasure.TableAction> plan = erasure.plan(keys);

            List<SubjectErasure.TableAction> applied = erasure.apply(keys, SubjectErasureTest::pseudonym, done -> { });

            assertEquals(plan, applied, "the plan foretold what was done; " + why);
            assertEquals(before, checksumsExcludingSubject(keys, retainedIds), "other subjects' rows unchanged; " + why);
            List<String> pseudonyms = identifiers.get("email").stream().map(e -> pseudonym("billing_email", e)).toList();
            SubjectErasure.Scan scan = erasure.scan(keys, identifiers, pseudonyms);
            assertTrue(scan.clean(), scan + "; " + why);
            assertEquals(0, scan.linkedRows(), why);
            assertInvoicesKeptPseudonymized(retainedIds.get("invoices"), why);
        }
    }

    @Test
    void aFailureBeforeCommitLeavesTheStoreAsItWas() throws Exception {
        UUID account = accountsWithInvoices().get(0);
        Map<String, String> before = checksumsExcludingSubject(List.of(), Map.of());
        Exception refused = assertThrows(IllegalStateException.class, () -> erasure.apply(List.of(account),
                SubjectErasureTest::pseudonym, done -> {
                    throw new IllegalStateException("legal hold placed meanwhile");
                }));
        assertEquals("legal hold placed meanwhile", refused.getMessage());
        assertEquals(before, checksumsExcludingSubject(List.of(), Map.of()));
        assertTrue(erasure.linkedRows(List.of(account)) > 0);
    }

    @Test
    void theScanFindsAnIdentifierLeftInClear() throws Exception {
        UUID account = accountsWithInvoices().get(1);
        Map<String, List<String>> identifiers = erasure.identifiers(List.of(account));
        erasure.apply(List.of(account), SubjectErasureTest::pseudonym, done -> { });
        String email = identifiers.get("email").get(0);
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE invoices SET billing_address = ? WHERE id = (SELECT min(id::text)::uuid FROM invoices)")) {
            s.setString(1, "c/o " + email.toUpperCase() + ", 1 Main Street");
            s.executeUpdate();
        }
        SubjectErasure.Scan scan = erasure.scan(List.of(account), identifiers, List.of());
        assertFalse(scan.clean());
        assertEquals(List.of(new SubjectErasure.Finding("invoices", "billing_address", 1, true, true)), scan.identifiersInClear());
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE invoices SET billing_address = NULL WHERE billing_address LIKE 'c/o %'");
        }
    }

    @Test
    void theScanReadsTablesTheMapDoesNotKnow() throws Exception {
        UUID account = accountsWithInvoices().get(2);
        Map<String, List<String>> identifiers = erasure.identifiers(List.of(account));
        erasure.apply(List.of(account), SubjectErasureTest::pseudonym, done -> { });
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE \"Support Notes\" (id serial PRIMARY KEY, body jsonb, tags text[], author uuid)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO \"Support Notes\" (body, tags, author) VALUES (?::jsonb, ?, ?)")) {
                insert.setString(1, "{\"note\": \"call back\", \"contact\": {\"mail\": \"" + identifiers.get("email").get(0).toUpperCase() + "\"}}");
                insert.setArray(2, c.createArrayOf("text", new Object[]{"vip", identifiers.get("api-key-prefix").get(0)}));
                insert.setObject(3, account);
                insert.executeUpdate();
            }
        }
        try {
            SubjectErasure.Scan scan = erasure.scan(List.of(account), identifiers, List.of());
            assertFalse(scan.clean());
            assertEquals(List.of(new SubjectErasure.Finding("Support Notes", "body", 1, false, false),
                    new SubjectErasure.Finding("Support Notes", "tags", 1, false, false),
                    new SubjectErasure.Finding("Support Notes", "author", 1, false, false)), scan.identifiersInClear());
            Map<String, List<String>> withQuote = new java.util.TreeMap<>(identifiers);
            withQuote.put("account-id", List.of(account.toString(), "o\"brien\\x"));
            assertEquals(scan.identifiersInClear(), erasure.scan(List.of(account), withQuote, List.of()).identifiersInClear(),
                    "a value the row text would write escaped turns the prefilter off, and the same is found");
            SubjectErasure.Coverage notes = scan.coverage().stream().filter(t -> t.table().equals("Support Notes")).findFirst().orElseThrow();
            assertEquals(new SubjectErasure.Coverage("Support Notes", false, 3, 1, null), notes);
            assertTrue(scan.coverage().stream().anyMatch(t -> t.table().equals("accounts") && t.mapped()));
            assertTrue(scan.coverage().stream().noneMatch(t -> t.table().startsWith("request_metadata_p")), "partitions are read through their parent");
        } finally {
            try (Connection c = gateway.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE \"Support Notes\"");
            }
        }
    }

    @Test
    void aTableTheStoreRoleMayNotReadMakesTheScanNotClean() throws Exception {
        UUID account = accountsWithInvoices().get(3);
        Map<String, List<String>> identifiers = erasure.identifiers(List.of(account));
        erasure.apply(List.of(account), SubjectErasureTest::pseudonym, done -> { });
        String schema;
        String database;
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_schema(), current_database()")) {
            rs.next();
            schema = rs.getString(1);
            database = rs.getString(2);
        }
        try (Connection c = TestDatabase.superuser(database); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE \"" + schema + "\".dba_notes (note text)");
            s.execute("REVOKE ALL ON \"" + schema + "\".dba_notes FROM PUBLIC, gateway");
        }
        try {
            SubjectErasure.Scan scan = erasure.scan(List.of(account), identifiers, List.of());
            SubjectErasure.Coverage notes = scan.coverage().stream().filter(t -> t.table().equals("dba_notes")).findFirst()
                    .orElseThrow(() -> new AssertionError(scan.coverage().toString()));
            assertFalse(scan.clean(), "what could not be read cannot be said to be clean: " + notes);
            assertTrue(notes.unreadable().startsWith("SQLSTATE 42501"), notes.toString());
            assertTrue(scan.identifiersInClear().isEmpty());
        } finally {
            try (Connection c = TestDatabase.superuser(database); Statement s = c.createStatement()) {
                s.execute("DROP TABLE \"" + schema + "\".dba_notes");
            }
        }
    }

    private static void assertInvoicesKeptPseudonymized(List<Object> invoiceIds, String why) throws SQLException {
        assertFalse(invoiceIds.isEmpty(), why);
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT account_id, billing_name, billing_email, billing_address, number FROM invoices WHERE id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("uuid", invoiceIds.toArray()));
            int seen = 0;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    seen++;
                    assertNull(rs.getObject(1), why);
                    assertTrue(rs.getString(2) == null || rs.getString(2).startsWith("ps_"), why);
                    assertTrue(rs.getString(3) == null || rs.getString(3).startsWith("ps_"), why);
                    assertNull(rs.getObject(4), why);
                    assertTrue(rs.getString(5).length() > 0, "the invoice itself is kept; " + why);
                }
            }
            assertEquals(invoiceIds.size(), seen, "every invoice is kept; " + why);
        }
    }

    /**
     * Per table of the store: a digest of every row that is not the subject's. The subject's
     * deleted rows are left out by their link, the rows kept and rewritten by their ids; a table
     * that keeps the subject's rows untouched (organizations) is compared whole.
     */
    private static Map<String, String> checksumsExcludingSubject(List<Object> keys, Map<String, List<Object>> retainedIds) throws SQLException {
        Map<String, String> sums = new HashMap<>();
        try (Connection c = gateway.getConnection()) {
            for (String table : allTables(c)) {
                Optional<DataMap.MappedTable> mapped = map.table("gateway-global", table)
                        .filter(t -> t.linked() && "delete-row".equals(t.erasure().strategy()));
                StringBuilder sql = new StringBuilder((mapped.isPresent() && !keys.isEmpty() ? SubjectQueries.WITH_KEYS : "") + "SELECT md5(string_agg(md5(t0::text), '' ORDER BY md5(t0::text))) FROM \"" + table + "\" t0 WHERE true");
                List<Array> parameters = new ArrayList<>();
                if (mapped.isPresent() && !keys.isEmpty()) {
                    sql.append(" AND (").append(belongs(mapped.get())).append(") IS NOT TRUE");
                    parameters.add(c.createArrayOf("uuid", keys.toArray()));
                }
                if (retainedIds.containsKey(table)) {
                    sql.append(" AND t0.id <> ALL(?)");
                    parameters.add(c.createArrayOf("uuid", retainedIds.get(table).toArray()));
                }
                try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                    for (int i = 0; i < parameters.size(); i++) {
                        s.setArray(i + 1, parameters.get(i));
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        sums.put(table, rs.getString(1));
                    }
                }
            }
        }
        return sums;
    }

    /** The ids of the subject's rows in tables that keep them on erasure. */
    private static Map<String, List<Object>> retainedRowIds(List<Object> keys) throws SQLException {
        Map<String, List<Object>> ids = new HashMap<>();
        try (Connection c = gateway.getConnection()) {
            for (DataMap.MappedTable table : queries.subjectTables()) {
                if (!"retain".equals(table.erasure().strategy()) || table.columns().stream().allMatch(col -> col.erasure() == null)) {
                    continue;
                }
                try (PreparedStatement s = c.prepareStatement(SubjectQueries.WITH_KEYS + "SELECT t0.id FROM \"" + table.name() + "\" t0 WHERE " + belongs(table))) {
                    s.setArray(1, c.createArrayOf("uuid", keys.toArray()));
                    List<Object> found = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            found.add(rs.getObject(1));
                        }
                    }
                    ids.put(table.name(), found);
                }
            }
        }
        return ids;
    }

    private static String belongs(DataMap.MappedTable table) {
        String count = queries.count(table);
        return count.substring(count.indexOf(" WHERE ") + " WHERE ".length());
    }

    private static List<String> allTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables "
                + "WHERE schemaname = current_schema() AND tablename NOT LIKE 'request_metadata_p%' AND tablename NOT LIKE 'flyway%'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        tables.add("request_metadata");
        return tables;
    }

    private static List<UUID> accountsWithInvoices() throws SQLException {
        List<UUID> accounts = new ArrayList<>();
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT DISTINCT a.id FROM accounts a JOIN invoices i ON i.account_id = a.id ORDER BY a.id")) {
            while (rs.next()) {
                accounts.add(rs.getObject(1, UUID.class));
            }
        }
        return accounts;
    }

    static String pseudonym(String column, String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((column + "\0" + value).getBytes(StandardCharsets.UTF_8));
            return "ps_" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
