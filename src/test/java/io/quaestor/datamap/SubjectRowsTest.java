package io.quaestor.datamap;

import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectIdentifier;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.referencestore.control.ReferenceStoreSetup;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The query engine on real PostgreSQL: finding a subject and streaming every row that is theirs. */
class SubjectRowsTest {

    private static DataMap map;
    private static SubjectRows rows;
    private static UUID account;
    private static String email;
    private static String keyPrefix;
    private static UUID organization;

    @BeforeAll
    static void referenceStoreWithData() throws Exception {
        PGSimpleDataSource gateway = TestDatabase.gateway("gateway");
        ReferenceStoreSetup.flyway(gateway).migrate();
        new GatewayDataGenerator(gateway::getConnection, 2)
                .generate(new GenerationPlan(2, 20, 30_000, 5, 1, 99, LocalDate.of(2026, 11, 20)));
        map = DataMapValidator.validate(DataMapReader.read(new StringReader(
                Files.readString(Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped"),
                name -> Optional.of(gateway));
        rows = new SubjectRows(map, gateway);
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT a.id, a.email, k.key_prefix, a.organization_id FROM accounts a "
                     + "JOIN api_keys k ON k.account_id = a.id ORDER BY (SELECT count(*) FROM request_metadata m "
                     + "WHERE m.account_id = a.id) DESC LIMIT 1")) {
            rs.next();
            account = rs.getObject(1, UUID.class);
            email = rs.getString(2);
            keyPrefix = rs.getString(3);
            organization = rs.getObject(4, UUID.class);
        }
    }

    @Test
    void everyIdentifierKindFindsTheSameSubject() throws Exception {
        assertEquals(List.of(account), rows.resolve(SubjectIdentifier.of("email", email.toUpperCase())));
        assertEquals(List.of(account), rows.resolve(SubjectIdentifier.of("account-id", account.toString(), map.subject())));
        assertEquals(List.of(account), rows.resolve(SubjectIdentifier.of("api-key-prefix", keyPrefix)));
        assertTrue(rows.resolve(SubjectIdentifier.of("organization", organization.toString(), map.subject())).contains(account));
    }

    @Test
    void streamsExactlyTheSubjectsRowsFromEveryLinkedTable() throws Exception {
        AtomicLong seen = new AtomicLong();
        Map<String, Long> counts = rows.stream(List.of(account), (table, values) -> seen.incrementAndGet());
        for (String table : List.of("api_keys", "request_metadata", "invoices", "payments", "top_ups", "balance_ledger",
                "login_records")) {
            assertEquals(count("SELECT count(*) FROM " + table + " WHERE account_id = ?"), counts.get(table), table);
        }
        assertEquals(1, counts.get("accounts"));
        assertEquals(1, counts.get("organizations"), "reached backwards through accounts.organization_id");
        assertEquals(counts.values().stream().mapToLong(Long::longValue).sum(), seen.get());
        assertTrue(counts.get("request_metadata") > 5_000, "the heavy account was chosen");
    }

    @Test
    void rowsCarryTheExportedColumnsInMapOrder() throws Exception {
        List<String> emails = new java.util.ArrayList<>();
        rows.stream(List.of(account), (table, values) -> {
            if (table.name().equals("accounts")) {
                emails.add((String) values[0]);
            }
        });
        assertEquals(List.of(email), emails);
    }

    @Test
    void anIdentifierThatMatchesNobodyGivesAnEmptyResult() throws Exception {
        List<Object> nobody = rows.resolve(SubjectIdentifier.of("email", "nobody@nowhere.example"));
        assertTrue(nobody.isEmpty());
        assertTrue(rows.stream(nobody, (t, v) -> { throw new AssertionError("no rows"); }).isEmpty());
    }

    @Test
    void aMalformedIdentifierIsRefusedBeforeAnyQuery() {
        assertEquals("value", assertThrows(InvalidInputException.class, () -> SubjectIdentifier.of("email", "not-an-email")).field());
        assertEquals("value", assertThrows(InvalidInputException.class, () -> SubjectIdentifier.of("account-id", "42", map.subject())).field());
        assertEquals("value", assertThrows(InvalidInputException.class,
                () -> SubjectIdentifier.of("api-key-prefix", "x'; DROP TABLE accounts; --")).field());
        assertEquals("kind", assertThrows(InvalidInputException.class, () -> SubjectIdentifier.of("passport", "X1")).field());
    }

    /** Another gateway's shape, two hops from the subject: the engine follows the map, not the reference tables. */
    @Test
    void followsMultiHopLinksOfAnotherSchema() throws Exception {
        try (Connection c = TestDatabase.superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS hopgateway");
            s.execute("CREATE DATABASE hopgateway OWNER gateway");
        }
        PGSimpleDataSource other = TestDatabase.gateway("hopgateway");
        try (Connection c = other.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (customer_no bigint PRIMARY KEY, mail text NOT NULL)");
            s.execute("CREATE TABLE workspaces (ws_id bigint PRIMARY KEY, owner_no bigint NOT NULL)");
            s.execute("CREATE TABLE calls (call_id bigserial PRIMARY KEY, ws bigint NOT NULL, at timestamptz NOT NULL)");
            s.execute("INSERT INTO customers VALUES (1, 'a@one.example'), (2, 'b@two.example')");
            s.execute("INSERT INTO workspaces VALUES (10, 1), (11, 1), (20, 2)");
            s.execute("INSERT INTO calls (ws, at) SELECT CASE WHEN g % 3 = 0 THEN 20 WHEN g % 3 = 1 THEN 10 ELSE 11 END, now() "
                    + "FROM generate_series(1, 300) g");
        }
        DataMap hops = DataMapValidator.validate(DataMapReader.read(new StringReader("""
                {"version":"hop-1","stores":[{"name":"s","datasource":"default","region":"eu"}],
                 "subject":{"store":"s","table":"customers","key":"customer_no","tenant":"customer_no",
                   "identifiers":[{"kind":"email","table":"customers","column":"mail","match":"case-insensitive"}]},
                 "tables":[
                  {"store":"s","name":"customers","category":"account","purpose":"p","legalBasis":"contract","source":"s",
                   "link":{"column":"customer_no","references":"subject"},"erasure":{"strategy":"delete-row"},
                   "columns":[{"name":"mail","label":"Email","export":true}]},
                  {"store":"s","name":"workspaces","category":"account","purpose":"p","legalBasis":"contract","source":"s",
                   "link":{"column":"owner_no","references":"customers.customer_no"},"erasure":{"strategy":"delete-row"},"columns":[]},
                  {"store":"s","name":"calls","category":"technical-metadata","purpose":"p","legalBasis":"contract","source":"s",
                   "link":{"column":"ws","references":"workspaces.ws_id"},"erasure":{"strategy":"delete-row"},
                   "columns":[{"name":"at","label":"Time","export":true}]}],
                 "recipients":[]}"""), "hop"), name -> Optional.of(other));
        SubjectRows hopRows = new SubjectRows(hops, other);
        List<Object> keys = hopRows.resolve(SubjectIdentifier.of("email", "A@ONE.example"));
        assertEquals(List.of(1L), keys);
        Map<String, Long> counts = hopRows.stream(keys, (t, v) -> { });
        assertEquals(2, counts.get("workspaces"));
        assertEquals(200, counts.get("calls"), "calls of workspaces 10 and 11, not 20");
    }

    private static long count(String sql) throws Exception {
        try (Connection c = TestDatabase.gateway("gateway").getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, account);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

}
