package io.quaestor.litellm;

import io.quaestor.breach.control.BreachScope;
import io.quaestor.datamap.control.DataMapException;
import io.quaestor.datamap.control.RetentionSettings;
import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.control.ScopeQueries;
import io.quaestor.datamap.control.SubjectErasure;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectIdentifier;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.retention.control.RetentionPurge;
import io.quaestor.testing.LiteLlmStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped LiteLLM map against a LiteLLM-shaped store: every engine (lookup, access rows,
 * erasure and its scan, retention, breach scope) answers exactly what hand-written SQL over the
 * same tables answers.
 */
class LiteLlmMapTest {

    private static final Path MAP = Path.of("policy-templates/datamap/litellm.datamap.json");
    private static final int USERS = 200;

    private static DataSource store;
    private static String mapText;
    private static DataMapValidator.Validated validated;
    private static DataMap map;
    private static SubjectRows rows;

    @BeforeAll
    static void liteLlmStore() throws Exception {
        store = LiteLlmStore.fresh("litellm_map");
        LiteLlmStore.generate(store, USERS, 40);
        mapText = Files.readString(MAP);
        validated = check(mapText);
        map = validated.map();
        rows = new SubjectRows(map, store);
    }

    @Test
    void theMapValidatesAndAdvisesTheIndexesLiteLlmLacks() {
        assertEquals("text", map.subject().keyType());
        List<String> warnings = validated.warnings().stream().map(Object::toString).toList();
        assertTrue(warnings.stream().anyMatch(w -> w.contains("LiteLLM_SpendLogs.user") && w.contains("CREATE INDEX ON \"LiteLLM_SpendLogs\" (\"user\")")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("LiteLLM_SpendLogs.api_key")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("(\"metadata\" ->> 'user_api_key_user_id')")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("USING gin (\"members\")")), warnings.toString());
        assertTrue(warnings.stream().noneMatch(w -> w.contains("clock column LiteLLM_SpendLogs.startTime")), "LiteLLM indexes startTime");
        assertTrue(map.holdsContent(), "messages and responses are declared content");
        assertTrue(warnings.stream().noneMatch(w -> w.contains("content:")), "every payload column is declared: " + warnings);
    }

    @Test
    void payloadsTheMapDoesNotDeclareAreFlagged() {
        String undeclared = mapText.replace(",\n        { \"name\": \"proxy_server_request\", \"label\": \"Request as received (when the proxy "
                + "stores it)\", \"export\": true, \"category\": \"content\" }", "")
                .replace("\n        { \"name\": \"request_kwargs\", \"label\": \"Failed request, with its messages\", \"export\": true, "
                        + "\"category\": \"content\" },", "");
        List<String> warnings = check(undeclared).warnings().stream().map(Object::toString).toList();
        assertTrue(warnings.stream().anyMatch(w -> w.contains("content: LiteLLM_SpendLogs.proxy_server_request is named like stored prompt")),
                warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("content: LiteLLM_ErrorLogs.request_kwargs -> messages is a JSON key")),
                warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("LiteLLM_ErrorLogs.request_kwargs holds values shaped like chat messages")),
                warnings.toString());
    }

    @Test
    void everyIdentifierFindsTheUserItNames() throws Exception {
        for (int n : List.of(1, 2, 5, 15, 22)) {
            String id = LiteLlmStore.userId(n);
            assertEquals(List.of(id), rows.resolve(SubjectIdentifier.of("account-id", id, map.subject())), "by id " + n);
            assertEquals(List.of(id), rows.resolve(SubjectIdentifier.of("email", LiteLlmStore.email(n).toUpperCase())), "by email " + n);
            assertEquals(List.of(id), rows.resolve(SubjectIdentifier.of("api-key", LiteLlmStore.apiKey(n, 1))), "by key " + n);
        }
        assertTrue(rows.resolve(SubjectIdentifier.of("api-key", "sk-not-a-key-of-anyone")).isEmpty());
        assertEquals("value", assertThrows(InvalidInputException.class,
                () -> SubjectIdentifier.of("account-id", "okta|1\u0000", map.subject())).field());
    }

    @Test
    void accessRowsPerTableEqualHandWrittenSql() throws Exception {
        for (int n : List.of(7, 20, 30, 44)) {
            String id = LiteLlmStore.userId(n);
            Map<String, Long> streamed = rows.stream(List.of(id), (table, values) -> { });
            Map<String, Long> expected = handWrittenCounts(id);
            assertEquals(expected, streamed, "user " + n);
        }
    }

    /** Each table's rows of one user, written as a LiteLLM operator would write them by hand. */
    private static Map<String, Long> handWrittenCounts(String id) throws SQLException {
        Map<String, String> sql = new LinkedHashMap<>();
        sql.put("LiteLLM_UserTable", "SELECT count(*) FROM \"LiteLLM_UserTable\" WHERE user_id = ?");
        sql.put("LiteLLM_OrganizationTable", "SELECT count(*) FROM \"LiteLLM_OrganizationTable\" o WHERE organization_id IN "
                + "(SELECT organization_id FROM \"LiteLLM_UserTable\" WHERE user_id = ?)");
        sql.put("LiteLLM_TeamTable", "SELECT count(*) FROM \"LiteLLM_TeamTable\" WHERE ? = ANY(members) OR ?1 = ANY(admins) "
                + "OR members_with_roles @> jsonb_build_array(jsonb_build_object('user_id', ?1::text))");
        sql.put("LiteLLM_TeamMembership", "SELECT count(*) FROM \"LiteLLM_TeamMembership\" WHERE user_id = ?");
        sql.put("LiteLLM_OrganizationMembership", "SELECT count(*) FROM \"LiteLLM_OrganizationMembership\" WHERE user_id = ?");
        sql.put("LiteLLM_VerificationToken", "SELECT count(*) FROM \"LiteLLM_VerificationToken\" WHERE user_id = ?");
        sql.put("LiteLLM_SpendLogs", "SELECT count(*) FROM \"LiteLLM_SpendLogs\" WHERE \"user\" = ? OR metadata ->> 'user_api_key_user_id' = ?1 "
                + "OR api_key IN (SELECT token FROM \"LiteLLM_VerificationToken\" WHERE user_id = ?1)");
        sql.put("LiteLLM_ErrorLogs", "SELECT count(*) FROM \"LiteLLM_ErrorLogs\" WHERE request_kwargs #>> '{metadata,user_api_key_user_id}' = ?");
        sql.put("LiteLLM_DailyUserSpend", "SELECT count(*) FROM \"LiteLLM_DailyUserSpend\" WHERE user_id = ? "
                + "OR api_key IN (SELECT token FROM \"LiteLLM_VerificationToken\" WHERE user_id = ?1)");
        sql.put("LiteLLM_InvitationLink", "SELECT count(*) FROM \"LiteLLM_InvitationLink\" WHERE ? IN (user_id, created_by, updated_by)");
        sql.put("LiteLLM_AuditLog", "SELECT count(*) FROM \"LiteLLM_AuditLog\" WHERE object_id = ? OR changed_by = ?1");
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : sql.entrySet()) {
            counts.put(e.getKey(), count(e.getValue().replace("?1", "$ID").replace("?", "$ID"), id));
        }
        return counts;
    }

    @Test
    void anErasedUserIsNowhereInTheStoreAndNobodyElseIsTouched() throws Exception {
        String id = LiteLlmStore.userId(10);
        String email = LiteLlmStore.email(10);
        SubjectErasure erasure = new SubjectErasure(map, store);
        Map<String, List<String>> identifiers = erasure.identifiers(List.of(id));
        assertEquals(List.of("Person10@Example-Corp.test"), identifiers.get("email"),
                "user 10 keeps a mixed-case address");
        assertEquals(2, identifiers.get("api-key").size(), "the two key hashes");
        List<String> hashes = identifiers.get("api-key");
        long othersBefore = rowsOfOthers(id, hashes);
        long spendBefore = count("SELECT count(*) FROM \"LiteLLM_SpendLogs\"", null);
        long subjectSpend = handWrittenCounts(id).get("LiteLLM_SpendLogs");

        List<SubjectErasure.TableAction> applied = erasure.apply(List.of(id), LiteLlmMapTest::pseudonym,
                done -> { });

        assertEquals(subjectSpend, applied.stream().filter(a -> a.table().equals("LiteLLM_SpendLogs")).findFirst().orElseThrow().rows());
        assertEquals(spendBefore - subjectSpend, count("SELECT count(*) FROM \"LiteLLM_SpendLogs\"", null));
        SubjectErasure.Scan scan = erasure.scan(List.of(id), identifiers, List.of());
        assertTrue(scan.clean(), scan.toString());
        assertEquals(0, scan.linkedRows());
        assertTrue(scan.coverage().stream().anyMatch(t -> t.table().equals("LiteLLM_Config") && !t.mapped()), "unmapped tables are read");
        assertEquals(0, everywhere(email.toLowerCase()) + everywhere(id.toLowerCase()), "no table holds the address or the id");
        assertEquals(othersBefore, rowsOfOthers(id, hashes), "every other user's rows are as they were");
        assertEquals(0, count("SELECT count(*) FROM \"LiteLLM_TeamTable\" WHERE members_with_roles::text LIKE '%' || $ID || '%'", id));
        assertEquals(3, count("SELECT count(*) FROM \"LiteLLM_DailyUserSpend\" WHERE user_id = $ID", pseudonym("user_id", id)),
                "spend kept, pseudonymized");
        assertEquals(2, count("SELECT count(*) FROM \"LiteLLM_AuditLog\" WHERE before_value ->> 'user_id' = $ID"
                + " AND before_value -> 'user_email' IS NULL AND before_value ->> 'user_role' = 'internal_user'", pseudonym("before_value.user_id", id)),
                "audit snapshots keep their shape without the person");
    }

    @Test
    void endUsersAreASecondKindOfSubjectWithTheirOwnRowsPackageAndErasure() throws Exception {
        assertEquals(List.of("user", "end-user"), map.kinds());
        SubjectRows endUsers = new SubjectRows(map.forKind("end-user"), store);
        String endUser = "customer-123";
        assertEquals(List.of(endUser), endUsers.resolve(SubjectIdentifier.of("account-id", endUser, map.kind("end-user").orElseThrow())));
        assertTrue(rows.resolve(SubjectIdentifier.of("account-id", endUser, map.subject())).isEmpty(), "no user has that id");
        long spend = count("SELECT count(*) FROM \"LiteLLM_SpendLogs\" WHERE end_user = $ID", endUser);
        assertTrue(spend > 0);
        assertEquals(Map.of("LiteLLM_EndUserTable", 1L, "LiteLLM_SpendLogs", spend), endUsers.stream(List.of(endUser), (t, v) -> { }),
                "an end user's rows are their own record and the calls made in their name, nothing of the users'");

        String user = LiteLlmStore.userId(33);
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        io.quaestor.accesspackages.control.AccessLetter letter = new io.quaestor.accesspackages.control.AccessLetter(map,
                new io.quaestor.accesspackages.control.AccessLetter.Controller("Example Gateway Ltd", "privacy@example.com",
                        "the authority", "https://gateway.example/privacy/"));
        Instant now = Instant.now();
        io.quaestor.datamap.entity.SubjectKeys both = new io.quaestor.datamap.entity.SubjectKeys(
                new LinkedHashMap<>(Map.of("user", List.of(user), "end-user", List.of(endUser))));
        io.quaestor.accesspackages.control.PackageWriter.Summary summary = new io.quaestor.accesspackages.control.PackageWriter(map,
                kind -> new SubjectRows(map.forKind(kind), store)).write(zip,
                new io.quaestor.accesspackages.control.PackageWriter.Header("DSR-1", "ACCESS", now, map.version()), both, t -> true,
                List.of(), s -> letter.write(new io.quaestor.accesspackages.control.AccessLetter.Request("DSR-1", false, now, now, 2), s));
        Map<String, Long> csvRows = new LinkedHashMap<>();
        summary.files().stream().filter(f -> "csv".equals(f.format())).forEach(f -> csvRows.put(f.path(), f.rows()));
        assertEquals(spend, csvRows.get("data/end-user/technical-metadata/LiteLLM_SpendLogs.csv"));
        assertEquals(1L, csvRows.get("data/end-user/technical-metadata/LiteLLM_EndUserTable.csv"));
        assertEquals(handWrittenCounts(user).get("LiteLLM_SpendLogs"), csvRows.get("data/user/technical-metadata/LiteLLM_SpendLogs.csv"));
        String text;
        try (org.apache.pdfbox.pdmodel.PDDocument pdf = org.apache.pdfbox.Loader.loadPDF(readEntry(zip.toByteArray(), "letter.pdf"))) {
            text = new org.apache.pdfbox.text.PDFTextStripper().getText(pdf).replaceAll("\\s+", " ");
        }
        assertTrue(text.contains("As user: 1 match") && text.contains("As end-user: 1 match"), text);
        assertTrue(text.contains("As end-user, technical-metadata: " + (spend + 1) + " records"), text);

        SubjectErasure erasure = new SubjectErasure(map.forKind("end-user"), store);
        Map<String, List<String>> identifiers = erasure.identifiers(List.of(endUser));
        assertEquals(Map.of("account-id", List.of(endUser)), identifiers);
        long spendBefore = count("SELECT count(*) FROM \"LiteLLM_SpendLogs\"", null);
        long users = count("SELECT count(*) FROM \"LiteLLM_UserTable\"", null);
        erasure.apply(List.of(endUser), LiteLlmMapTest::pseudonym, done -> { });
        assertEquals(spendBefore - spend, count("SELECT count(*) FROM \"LiteLLM_SpendLogs\"", null));
        assertEquals(0, count("SELECT count(*) FROM \"LiteLLM_EndUserTable\" WHERE user_id = $ID", endUser));
        assertEquals(users, count("SELECT count(*) FROM \"LiteLLM_UserTable\"", null), "no user was erased");
        SubjectErasure.Scan scan = erasure.scan(List.of(endUser), identifiers, List.of());
        assertTrue(scan.clean(), scan.toString());
    }

    private static byte[] readEntry(byte[] zip, String name) throws java.io.IOException {
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError(name + " is not in the package");
    }

    @Test
    void aProxyInstalledInItsOwnSchemaIsReadAndErasedThereAndNowhereElse() throws Exception {
        try (Connection c = store.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA proxy");
        }
        DataSource proxy = io.quaestor.platform.persistence.RestoringDataSource.inSchema(store, "proxy");
        try (Connection c = proxy.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute(Files.readString(Path.of("src/test/resources/litellm/schema.sql")));
        }
        LiteLlmStore.generate(proxy, 20, 5);
        String inSchema = mapText.replace("\"datasource\": \"default\", \"region\": \"global\" }",
                "\"datasource\": \"default\", \"region\": \"global\", \"schema\": \"proxy\" }");
        DataMap proxyMap = check(inSchema).map();
        String id = LiteLlmStore.userId(5);
        long publicRows = rows.stream(List.of(id), (t, v) -> { }).values().stream().mapToLong(Long::longValue).sum();

        SubjectErasure erasure = new SubjectErasure(proxyMap, proxy);
        Map<String, List<String>> identifiers = erasure.identifiers(List.of(id));
        erasure.apply(List.of(id), LiteLlmMapTest::pseudonym, done -> { });
        SubjectErasure.Scan scan = erasure.scan(List.of(id), identifiers, List.of());
        assertTrue(scan.clean(), scan.toString());
        assertTrue(scan.coverage().stream().anyMatch(t -> t.table().equals("LiteLLM_Config")), "the proxy schema's tables were searched");
        assertEquals(publicRows, rows.stream(List.of(id), (t, v) -> { }).values().stream().mapToLong(Long::longValue).sum(),
                "the same user id in the public schema is untouched");
        try (Connection c = store.getConnection()) {
            assertEquals("public", c.getSchema(), "a connection goes back to the pool in its own schema");
        }
        assertProblem(inSchema.replace("\"schema\": \"proxy\"", "\"schema\": \"nowhere\""),
                "(document).stores[0].schema: schema 'nowhere' does not exist");
    }

    @Test
    void theAdminsErasureCannotBeCertifiedWhileTheConfigurationNamesThem() throws Exception {
        String admin = LiteLlmStore.userId(LiteLlmStore.ADMIN);
        SubjectErasure erasure = new SubjectErasure(map, store);
        Map<String, List<String>> identifiers = erasure.identifiers(List.of(admin));
        erasure.apply(List.of(admin), LiteLlmMapTest::pseudonym, done -> { });
        SubjectErasure.Scan scan = erasure.scan(List.of(admin), identifiers, List.of());
        assertFalse(scan.clean());
        assertEquals(List.of(new SubjectErasure.Finding("LiteLLM_Config", "param_value", 1, false, false)), scan.identifiersInClear(),
                "only the table the map does not know still names the admin");
    }

    @Test
    void retentionDeletesExactlyTheExpiredSpendLogs() throws Exception {
        Instant cutoff = Instant.now().minus(Duration.ofDays(90));
        long expired = olderThan("LiteLLM_SpendLogs", "startTime", cutoff);
        assertTrue(expired > 0);
        RetentionPurge purge = new RetentionPurge(store, new RetentionPurge.Target("LiteLLM_SpendLogs", "startTime", "request_id",
                "text", null, null, null, "user", cutoff));
        assertEquals(expired, purge.expired(List.of()));
        long deleted = purgeAll(purge, 1_000);
        assertEquals(expired, deleted);
        assertEquals(0, purge.expired(List.of()));
    }

    @Test
    void aTableWithoutPrimaryKeyIsPurgedByPhysicalAddress() throws Exception {
        try (Connection c = store.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE \"Request Log Archive\" (\"loggedAt\" timestamp(3) NOT NULL, note text)");
            s.execute("INSERT INTO \"Request Log Archive\" SELECT now() - g * interval '1 day', 'n' || g FROM generate_series(1, 2500) g");
        }
        Instant cutoff = Instant.now().minus(Duration.ofDays(1000));
        long expired = olderThan("Request Log Archive", "loggedAt", cutoff);
        RetentionPurge purge = new RetentionPurge(store, new RetentionPurge.Target("Request Log Archive", "loggedAt", "ctid", "tid",
                null, null, null, null, cutoff));
        long deleted = purgeAll(purge, 300);
        assertTrue(expired > 1000);
        assertEquals(expired, deleted, "every expired row, in chunks paged by physical address");
        assertEquals(2500 - expired, count("SELECT count(*) FROM \"Request Log Archive\"", null));
    }

    @Test
    void aBreachScopePerOrganizationEqualsSql() throws Exception {
        DataMap.MappedTable spend = map.table("litellm", "LiteLLM_SpendLogs").orElseThrow();
        ScopeQueries scope = new ScopeQueries(map);
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement(
                scope.records(new ScopeQueries.Part(spend, Optional.empty()), true, false))) {
            s.setArray(1, c.createArrayOf("text", new Object[]{"org-2"}));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long byHand = count("SELECT count(*) FROM \"LiteLLM_SpendLogs\" l WHERE (l.organization_id = $ID OR l.team_id = $ID) "
                        + "AND EXISTS (SELECT 1 FROM \"LiteLLM_UserTable\" u WHERE l.\"user\" = u.user_id "
                        + "OR l.metadata ->> 'user_api_key_user_id' = u.user_id "
                        + "OR l.api_key IN (SELECT token FROM \"LiteLLM_VerificationToken\" k WHERE k.user_id = u.user_id))", "org-2");
                assertEquals(byHand, rs.getLong(1));
                assertTrue(byHand > 0);
            }
        }
    }

    @Test
    void aBreachScopePerTeamCountsTheTeamsRowsAndItsMembers() throws Exception {
        BreachScope.Result result = BreachScope.compute(map, store, new BreachScope.Description(List.of("team-3"), List.of(), null, null,
                null, List.of("technical-metadata"), false));
        assertEquals(count("SELECT count(*) FROM \"LiteLLM_SpendLogs\" WHERE team_id = $ID OR organization_id = $ID", "team-3"),
                part(result, "LiteLLM_SpendLogs").records(),
                "spend logs by their own team column, whoever they belong to");
        String members = "SELECT user_id FROM \"LiteLLM_TeamMembership\" WHERE team_id = $ID UNION SELECT user_id FROM \"LiteLLM_UserTable\" "
                + "WHERE $ID = ANY(teams) OR organization_id = $ID";
        assertEquals(count("SELECT count(*) FROM \"LiteLLM_ErrorLogs\" WHERE request_kwargs #>> '{metadata,user_api_key_user_id}' IN (" + members + ")", "team-3"),
                part(result, "LiteLLM_ErrorLogs").records(), "error logs of the team's members (they name no team)");
        long subjects = count("SELECT count(*) FROM \"LiteLLM_UserTable\" u WHERE EXISTS (SELECT 1 FROM \"LiteLLM_SpendLogs\" l WHERE l.team_id = $ID "
                + "AND (l.\"user\" = u.user_id OR l.metadata ->> 'user_api_key_user_id' = u.user_id OR l.api_key IN (SELECT token FROM "
                + "\"LiteLLM_VerificationToken\" k WHERE k.user_id = u.user_id))) OR (u.user_id IN (" + members + ") AND EXISTS (SELECT 1 FROM "
                + "\"LiteLLM_ErrorLogs\" e WHERE e.request_kwargs #>> '{metadata,user_api_key_user_id}' = u.user_id))", "team-3");
        assertEquals(subjects, result.subjects());
        assertTrue(subjects > 0);
        assertEquals(java.util.Set.of("org-" + (12 % 4 + 1), "team-" + (12 % 20 + 1), "team-" + (12 * 7 % 20 + 1)),
                new SubjectRows(map, store).allTenantsOf(List.of(LiteLlmStore.userId(12))),
                "user 12 is in its organization, its own team and a second one");
    }

    @Test
    void rowsKeptAfterErasureStillCountInAWindowScopeAsNoLongerIdentifiable() throws Exception {
        SubjectErasure erasure = new SubjectErasure(map, store);
        erasure.apply(List.of(LiteLlmStore.userId(40)), LiteLlmMapTest::pseudonym, done -> { });
        BreachScope.Result result = BreachScope.compute(map, store, new BreachScope.Description(List.of(), List.of(),
                Instant.now().minus(Duration.ofDays(400)), Instant.now().plus(Duration.ofDays(1)), null, List.of("security"), false));
        BreachScope.TablePart audit = part(result, "LiteLLM_AuditLog");
        long unlinked = count("SELECT count(*) FROM \"LiteLLM_AuditLog\" a WHERE NOT EXISTS (SELECT 1 FROM \"LiteLLM_UserTable\" u "
                + "WHERE a.object_id = u.user_id OR a.changed_by = u.user_id)", null);
        assertTrue(unlinked >= 2, "user 40's two audit rows are kept, pseudonymized");
        assertEquals(unlinked, audit.unidentifiable());
        assertEquals(count("SELECT count(*) FROM \"LiteLLM_AuditLog\"", null), audit.records(), "every audit row was exposed");
    }

    @Test
    void teamsSetTheirOwnRetentionInTheirJsonMetadata() throws Exception {
        DataMap.TenantOverride override = map.table("litellm", "LiteLLM_SpendLogs").orElseThrow().retention().tenantOverride();
        try (Connection c = store.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(RetentionSettings.write(map, "litellm", override))) {
                s.setInt(1, 14);
                s.setString(2, "team-4");
                assertEquals(1, s.executeUpdate());
            }
            Map<String, Integer> days = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement(RetentionSettings.read(map, "litellm", override)); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    days.put(rs.getString(1), (Integer) rs.getObject(2));
                }
            }
            assertEquals(14, days.get("team-4"));
            assertEquals(60, days.get("team-5"));
            assertEquals("{\"retention_days\": 14}", single(c, "SELECT metadata::text FROM \"LiteLLM_TeamTable\" WHERE team_id = 'team-4'"));
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static BreachScope.TablePart part(BreachScope.Result result, String table) {
        return result.tables().stream().filter(t -> t.table().equals(table)).findFirst().orElseThrow();
    }

    @Test
    void mapsThatCannotWorkAreRefusedWithFileLineAndElement() {
        assertProblem(mapText.replace("\"path\": \"user_api_key_user_id\"", "\"path\": \"$.user_api_key_user_id\""),
                "unknown JSON path syntax '$.user_api_key_user_id'");
        assertProblem(mapText.replace("{ \"column\": \"members\", \"array\": true", "{ \"column\": \"team_alias\", \"array\": true"),
                "an array link needs an array column; 'team_alias' is text");
        assertProblem(mapText.replace(", \"hash\": \"sha256\"", ""), "an 'api-key' identifier is matched by its hash");
        assertProblem(mapText.replace("{ \"column\": \"user\", \"references\": \"LiteLLM_UserTable.user_id\" }",
                "{ \"column\": \"spend\", \"references\": \"LiteLLM_UserTable.user_id\" }"), "the two cannot be compared");
        assertProblem(mapText.replace("\"path\": \"[*].user_id\"", "\"path\": \"[0].user_id\""), "unknown JSON path syntax '[0].user_id'");
        assertProblem(mapText.replace("\"tenantOverride\": { \"table\": \"LiteLLM_TeamTable\"", "\"tenantOverride\": { \"source\": \"quaestor\", "
                + "\"table\": \"LiteLLM_TeamTable\""), "a setting kept by Quaestor names only 'via'");
        assertProblem(mapText.replace("\"tenant\": [\"team_id\", \"organization_id\"]", "\"tenant\": [\"team_id\", \"org\"]"),
                "column 'LiteLLM_SpendLogs.org' does not exist");
        assertProblem(mapText.replace("{ \"tenantColumn\": \"teams\" }", "{ \"tenantColumn\": \"user_role\" }"),
                "a membership without a table is an array column of the subject's table");
        assertProblem(mapText.replace("\"name\": \"end-user\"", "\"name\": \"user\""),
                "(document).subjects[1].name: two kinds of subject are named 'user'");
        assertProblem(mapText.replace("\"link\": { \"column\": \"user_id\", \"references\": \"subject\" },\n      \"erasure\": { \"strategy\": \"delete-row\" },\n      \"columns\": [\n        { \"name\": \"user_id\", \"label\": \"End-user id\"",
                "\"erasure\": { \"strategy\": \"delete-row\" },\n      \"columns\": [\n        { \"name\": \"user_id\", \"label\": \"End-user id\""),
                "the link LiteLLM_SpendLogs.end_user -> LiteLLM_EndUserTable.user_id reaches no kind of subject");
        assertProblem(mapText.replace("\"key\": \"user_id\",\n    \"tenant\": \"organization_id\",", "\"key\": \"user_id\","),
                "(document).subjects[0].tenant: is required for the first kind of subject");
        DataMapException error = assertThrows(DataMapException.class, () -> check(mapText.replace("\"path\": \"user_api_key_user_id\"",
                "\"path\": \"a..b\"")));
        assertTrue(error.problems().get(0).toString().matches("litellm\\.datamap\\.json:\\d+: \\(document\\)\\.tables\\[6]\\.links\\[2]\\.path: .*"),
                error.problems().get(0).toString());
    }

    /** How many rows of a table are older than the cutoff on a time column, by hand. */
    private static long olderThan(String table, String column, Instant cutoff) throws SQLException {
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM \"" + table + "\" WHERE \"" + column + "\" < ?")) {
            s.setTimestamp(1, java.sql.Timestamp.from(cutoff));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Runs a purge chunk after chunk to its end; how many rows it deleted. */
    private static long purgeAll(RetentionPurge purge, int chunkSize) throws Exception {
        long deleted = 0;
        RetentionPurge.Position at = null;
        for (RetentionPurge.Chunk chunk = null; chunk == null || !chunk.done(); at = chunk.next()) {
            chunk = purge.next(at, chunkSize, List::of, false);
            deleted += chunk.rows();
        }
        return deleted;
    }

    private static String pseudonym(String context, String value) {
        return "ps_" + Integer.toHexString((context + value).hashCode());
    }

    private static void assertProblem(String json, String expected) {
        DataMapException error = assertThrows(DataMapException.class, () -> check(json));
        assertTrue(error.problems().toString().contains(expected), error.problems().toString());
    }

    private static DataMapValidator.Validated check(String json) {
        return DataMapValidator.check(DataMapReader.read(new StringReader(json), "litellm.datamap.json"),
                name -> "default".equals(name) ? Optional.of(store) : Optional.empty());
    }

    /** Rows in any text, JSON or array column of any table whose text holds this value. */
    private static long everywhere(String value) throws SQLException {
        long found = 0;
        List<String[]> columns = new ArrayList<>();
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement("SELECT table_name, column_name FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND data_type IN ('text', 'jsonb', 'ARRAY')"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                columns.add(new String[]{rs.getString(1), rs.getString(2)});
            }
        }
        for (String[] column : columns) {
            found += count("SELECT count(*) FROM \"" + column[0] + "\" WHERE lower(\"" + column[1] + "\"::text) LIKE '%' || $ID || '%'", value);
        }
        return found;
    }

    /** A sum of row hashes over the rows that name neither the user nor one of their key hashes, nor hold a pseudonym. */
    private static long rowsOfOthers(String id, List<String> hashes) throws SQLException {
        long sum = 0;
        // Rows kept with pseudonyms no longer name the user; they are the user's, not others'.
        String others = "position($ID in t::text) = 0 AND position('ps_' in t::text) = 0" + hashes.stream().map(h -> " AND position('" + h + "' in t::text) = 0")
                .collect(java.util.stream.Collectors.joining());
        for (String table : List.of("LiteLLM_UserTable", "LiteLLM_VerificationToken", "LiteLLM_SpendLogs", "LiteLLM_ErrorLogs",
                "LiteLLM_TeamMembership", "LiteLLM_DailyUserSpend", "LiteLLM_AuditLog")) {
            sum += count("SELECT coalesce(sum(hashtext(t::text)::bigint), 0) FROM \"" + table + "\" t WHERE " + others, id);
        }
        return sum;
    }

    private static long count(String sql, String id) throws SQLException {
        try (Connection c = store.getConnection(); PreparedStatement s = c.prepareStatement(sql.replace("$ID", "?"))) {
            int parameters = s.getParameterMetaData().getParameterCount();
            for (int i = 1; i <= parameters; i++) {
                s.setString(i, id);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
