package io.quaestor.referencestore;

import io.quaestor.referencestore.control.ReferenceStoreSetup;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.referencestore.generator.GenerationReport;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference gateway store's schema and generator, on real PostgreSQL. */
class ReferenceStoreGeneratorTest {

    private static final LocalDate LAST_DAY = LocalDate.of(2026, 11, 24);
    private static GenerationReport report;

    @BeforeAll
    static void generate() throws Exception {
        ReferenceStoreSetup.flyway(TestDatabase.gateway("gateway")).migrate();
        report = new GatewayDataGenerator(() -> TestDatabase.gateway("gateway").getConnection(), 2)
                .generate(new GenerationPlan(3, 40, 120_000, 10, 2, 7, LAST_DAY));
    }

    @Test
    void everyReportedRowIsInTheStore() throws SQLException {
        for (Map.Entry<String, Long> table : report.rowsByTable().entrySet()) {
            assertTrue(count("SELECT count(*) FROM " + table.getKey() + " WHERE true") >= table.getValue(), table.getKey());
        }
        assertEquals(120_000, report.rowsByTable().get("request_metadata"));
    }

    @Test
    void metadataLivesInDailyPartitionsInsideTheRequestedSpan() throws SQLException {
        assertTrue(count("SELECT count(*) FROM pg_inherits WHERE inhparent = 'request_metadata'::regclass") >= 10);
        assertEquals(0, count("SELECT count(*) FROM request_metadata WHERE occurred_at < '2026-11-15T00:00:00Z' "
                + "OR occurred_at >= '2026-11-25T00:00:00Z'"));
        assertTrue(count("SELECT count(*) FROM request_metadata_p20261124") > 0);
    }

    @Test
    void heavyAccountsCarryAboutAThirdOfTheTraffic() throws SQLException {
        long top2 = count("SELECT sum(n) FROM (SELECT count(*) n FROM request_metadata GROUP BY account_id "
                + "ORDER BY count(*) DESC LIMIT 2) t");
        assertTrue(top2 > 120_000 * 0.25, "two heavy accounts have " + top2 + " rows");
    }

    @Test
    void noColumnCanHoldPromptOrCompletionContent() throws SQLException {
        assertEquals(0, count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
                + "AND (column_name ~ '(prompt|completion|content|body|message_text)' AND column_name NOT LIKE '%_tokens')"));
    }

    @Test
    void secretsAreStoredOnlyAsHashesAndCiphertext() throws SQLException {
        assertEquals(0, count("SELECT count(*) FROM api_keys WHERE key_hash NOT LIKE '$2a$04$%' OR length(key_hash) <> 60"));
        assertEquals(0, count("SELECT count(*) FROM provider_keys WHERE octet_length(nonce) <> 12 "
                + "OR position('sk-demo'::bytea IN ciphertext) > 0"));
    }

    @Test
    void theSchemaKeepsItsOwnPromises() throws SQLException {
        assertEquals(0, count("SELECT count(*) FROM accounts WHERE (status = 'closed') <> (closed_at IS NOT NULL)"));
        try (Connection c = TestDatabase.gateway("gateway").getConnection(); Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.execute("UPDATE organizations SET metadata_retention_days = 731"),
                    "retention is 1 to 730 days");
            assertThrows(SQLException.class, () -> s.execute("UPDATE api_keys SET key_hash = 'plain-text-key'"),
                    "only bcrypt hashes");
        }
    }

    @Test
    void namesInManyScriptsAreStoredIntact() throws SQLException {
        assertTrue(count("SELECT count(*) FROM accounts WHERE name ~ '[\\u4e00-\\u9fff\\u0600-\\u06ff]'") > 0);
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestDatabase.gateway("gateway").getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

}
