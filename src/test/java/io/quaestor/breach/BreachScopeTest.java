package io.quaestor.breach;

import io.quaestor.breach.control.BreachScope;
import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.entity.DataMap;
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
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The breach scope on a generated store, for random tenants and windows: subjects, records per
 * table and the streamed account list equal what hand-written SQL over the same tables says.
 */
class BreachScopeTest {

    private static final long SEED = Long.getLong("quaestor.test.seed", System.nanoTime());
    private static final LocalDate LAST_DAY = LocalDate.of(2026, 11, 20);
    private static PGSimpleDataSource gateway;
    private static DataMap map;

    @BeforeAll
    static void generatedStore() throws Exception {
        gateway = TestDatabase.freshGateway("scope");
        ReferenceStoreSetup.flyway(gateway).migrate();
        new GatewayDataGenerator(gateway::getConnection, 2).generate(new GenerationPlan(6, 60, 30_000, 10, 3, 11, LAST_DAY));
        map = DataMapValidator.validate(DataMapReader.read(new StringReader(
                Files.readString(Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped"), name -> Optional.of(gateway));
    }

    @Test
    void randomTenantsAndWindowsAgreeWithHandWrittenSql() throws Exception {
        Random random = new Random(SEED);
        List<String> organizations = strings("SELECT id::text FROM organizations ORDER BY id");
        for (int round = 0; round < 4; round++) {
            List<String> tenants = List.of(organizations.get(random.nextInt(organizations.size())), organizations.get(random.nextInt(organizations.size())));
            Instant from = LAST_DAY.minusDays(1 + random.nextInt(8)).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(random.nextInt(86_400));
            Instant to = from.plusSeconds(3_600L * (1 + random.nextInt(72)));
            String why = "seed " + SEED + ", tenants " + tenants + ", " + from + " to " + to;
            BreachScope.Description d = new BreachScope.Description(tenants, List.of(), from, to, null, List.of("technical-metadata", "console"), false);

            BreachScope.Result result = BreachScope.compute(map, gateway, d);

            String inWindow = " WHERE a.organization_id::text IN ('" + String.join("','", tenants) + "') AND t.occurred_at >= '" + from
                    + "' AND t.occurred_at < '" + to + "'";
            long metadata = number("SELECT count(*) FROM request_metadata t JOIN accounts a ON a.id = t.account_id" + inWindow);
            long logins = number("SELECT count(*) FROM login_records t JOIN accounts a ON a.id = t.account_id" + inWindow);
            TreeSet<String> subjects = new TreeSet<>(strings("SELECT DISTINCT a.id::text FROM accounts a JOIN request_metadata t ON t.account_id = a.id"
                    + inWindow + " UNION SELECT DISTINCT a.id::text FROM accounts a JOIN login_records t ON t.account_id = a.id" + inWindow));
            assertEquals(metadata, records(result, "request_metadata"), why);
            assertEquals(logins, records(result, "login_records"), why);
            assertEquals(subjects.size(), result.subjects(), why);
            List<String> streamed = new ArrayList<>();
            String after = "";
            while (after != null) {
                after = BreachScope.page(map, gateway, d, after, 7, a -> streamed.add(a.key()));
            }
            assertEquals(new ArrayList<>(subjects), streamed, "the account list, page by page, in key order; " + why);
        }
    }

    @Test
    void aTenantIdNotInItsCanonicalFormMatchesNothingAndFailsNothing() throws Exception {
        // Tenant columns of type uuid are compared as uuids (so their index serves the scope), only
        // for ids in the form a text comparison would have matched: the counts stay what they were.
        String tenant = strings("SELECT organization_id::text FROM accounts GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").get(0);
        BreachScope.Description exact = new BreachScope.Description(List.of(tenant), List.of(), null, null, null,
                List.of("technical-metadata"), false);
        assertEquals(number("SELECT count(*) FROM request_metadata WHERE organization_id = '" + tenant + "'"),
                records(BreachScope.compute(map, gateway, exact), "request_metadata"));
        BreachScope.Description other = new BreachScope.Description(List.of(tenant.toUpperCase(java.util.Locale.ROOT), "not-a-uuid", "{" + tenant + "}"),
                List.of(), null, null, null, List.of("technical-metadata"), false);
        BreachScope.Result none = BreachScope.compute(map, gateway, other);
        assertEquals(0, records(none, "request_metadata"));
        assertEquals(0, none.subjects());
    }

    @Test
    void rowsThatBelongToNoSubjectAnyMoreAreCountedApartFromTheSubjects() throws Exception {
        // A tenant of its own: two rows of an existing account, three whose account is gone (erased, kept pseudonymized).
        String tenant = UUID.randomUUID().toString();
        String account = strings("SELECT id::text FROM accounts ORDER BY id LIMIT 1").get(0);
        Instant at = LAST_DAY.minusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC);
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO request_metadata (occurred_at, "
                + "request_id, account_id, organization_id, model, prompt_tokens, completion_tokens, total_tokens, cost_micro_usd, latency_ms, "
                + "http_status) VALUES (?, gen_random_uuid(), ?::uuid, ?::uuid, 'm', 1, 1, 2, 1, 1, 200)")) {
            for (int i = 0; i < 5; i++) {
                s.setObject(1, java.time.OffsetDateTime.ofInstant(at.plusSeconds(i), ZoneOffset.UTC));
                s.setString(2, i < 2 ? account : UUID.randomUUID().toString());
                s.setString(3, tenant);
                s.addBatch();
            }
            s.executeBatch();
        }
        try {
            BreachScope.Result result = BreachScope.compute(map, gateway, new BreachScope.Description(List.of(tenant), List.of(),
                    at.minusSeconds(60), at.plusSeconds(60), null, List.of("technical-metadata"), false));
            BreachScope.TablePart metadata = result.tables().stream().filter(t -> t.table().equals("request_metadata")).findFirst().orElseThrow();
            assertEquals(5, metadata.records(), "every row in the tenant and window");
            assertEquals(3, metadata.unidentifiable(), "the rows of no subject");
            assertEquals(1, result.subjects());
        } finally {
            // The other tests compare with SQL that places rows by their account's tenant.
            try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement(
                    "DELETE FROM request_metadata WHERE organization_id = ?::uuid")) {
                s.setString(1, tenant);
                s.executeUpdate();
            }
        }
    }

    @Test
    void aWholeTenantCountsEveryAccountWhenTheAccountCategoryIsNamed() throws Exception {
        String tenant = strings("SELECT organization_id::text FROM accounts GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").get(0);
        BreachScope.Result result = BreachScope.compute(map, gateway, new BreachScope.Description(List.of(tenant), List.of(), null, null, null,
                List.of("account"), false));
        assertEquals(number("SELECT count(*) FROM accounts WHERE organization_id = '" + tenant + "'"), result.subjects());
        BreachScope.Description d = new BreachScope.Description(List.of(tenant), List.of(), null, null, null, List.of("account"), false);
        List<String> all = new ArrayList<>();
        BreachScope.page(map, gateway, d, "", 10_000, a -> all.add(a.key()));
        List<String> rest = new ArrayList<>();
        BreachScope.page(map, gateway, d, all.get(0), 10_000, a -> rest.add(a.key()));
        assertEquals(all.subList(1, all.size()), rest, "resuming after a key gives exactly the rest");
    }

    @Test
    void badDescriptionsNameTheirField() {
        assertEquals("categories", field(new BreachScope.Description(List.of("t"), List.of(), null, null, null, List.of("dreams"), false)));
        assertEquals("to", field(new BreachScope.Description(List.of(), List.of(), Instant.EPOCH, null, null, List.of(), false)));
        assertEquals("to", field(new BreachScope.Description(List.of(), List.of(), Instant.EPOCH.plusSeconds(9), Instant.EPOCH, null, List.of(), false)));
        assertEquals("region", field(new BreachScope.Description(List.of("t"), List.of(), null, null, "mars", List.of(), false)));
        assertEquals("tenants", field(new BreachScope.Description(List.of(), List.of(), null, null, null, List.of(), false)));
        assertEquals("accounts", field(new BreachScope.Description(List.of(), List.of("not-a-uuid"), null, null, null, List.of(), false)),
                "the reference store's account ids are UUIDs");
    }

    private static String field(BreachScope.Description d) {
        return assertThrows(InvalidInputException.class, () -> BreachScope.compute(map, gateway, d)).field();
    }

    private static long records(BreachScope.Result result, String table) {
        return result.tables().stream().filter(t -> t.table().equals(table)).findFirst().orElseThrow().records();
    }

    private static long number(String sql) throws SQLException {
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
