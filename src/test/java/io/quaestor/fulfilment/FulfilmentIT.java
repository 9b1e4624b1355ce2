package io.quaestor.fulfilment;

import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.Sql;
import io.quaestor.testing.StaffFixtures;
import io.quaestor.testing.TestDatabase;
import io.quaestor.testing.TestSmtp;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fulfilment over HTTP with real SMTP: an access package built, sealed, mailed as a single-use
 * link, opened with a fresh code and deleted on time; an erasure blocked by a legal hold, then
 * carried out, verified and certified; and an erasure interrupted mid-way that resumes by itself.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FulfilmentIT {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{8})\\b");
    private static final Pattern LINK = Pattern.compile("download\\.html#([A-Za-z0-9_-]{43})");
    private static TestSmtp smtp;
    private static com.sun.net.httpserver.HttpServer gatewayHooks;
    private static final java.util.List<String> HOOKS = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static Api.Bearer officer;

    @ArquillianResource
    URL deployment;

    Api api;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @BeforeAll
    static void servers() throws Exception {
        smtp = TestSmtp.start();
        gatewayHooks = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 13080), 0);
        gatewayHooks.createContext("/quaestor-events", exchange -> {
            HOOKS.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        gatewayHooks.start();
    }

    @AfterAll
    static void stop() {
        smtp.stop();
        gatewayHooks.stop(0);
    }

    @BeforeEach
    void client() {
        api = new Api(deployment);
        synchronized (FulfilmentIT.class) {
            if (officer == null) {
                officer = new Api.Bearer(StaffFixtures.token(api, Role.PRIVACY_OFFICER));
            }
        }
    }

    @Test
    void anAccessPackageIsSealedMailedAsASingleUseLinkOpenedWithAFreshCodeAndDeletedOnTime() throws Exception {
        UUID account = customer("access", "王小明", 40);
        String id = filing("ACCESS", account);
        assertEquals(409, step(id, "complete").status(), "a request not yet started cannot be fulfilled");
        assertEquals(200, step(id, "start").status());
        Api.Reply done = step(id, "complete");
        assertEquals(200, done.status(), done.body());
        assertEquals("COMPLETED", done.json().getString("status"));

        JsonObject info = api.get("api/dsar/packages/" + id, officer).json();
        assertEquals("READY", info.getString("state"));
        assertTrue(info.getJsonNumber("rows").longValue() >= 40 + 1, info.toString());
        assertEquals(0, gatewaySegmentsContaining(info.getString("id"), email(account)), "sealed at rest: no clear text in storage");

        String token = link(awaitMail(account, "Your data is ready"));
        assertProblem(api.post("api/public/packages/code", "{\"token\":\"short\"}", Api.ANONYMOUS), 422, "token");
        assertEquals(404, api.post("api/public/packages/code", "{\"token\":\"" + "A".repeat(43) + "\"}", Api.ANONYMOUS).status());
        // The mail leaves inside the transaction that stores the link; give that a moment to commit.
        for (int i = 0; i < 20 && download(token, "12345678").statusCode() == 404; i++) {
            Thread.sleep(250);
        }
        assertEquals(409, download(token, "12345678").statusCode(), "no code was sent yet");
        assertEquals(202, api.post("api/public/packages/code", "{\"token\":\"" + token + "\"}", Api.ANONYMOUS).status());
        String code = code(awaitMail(account, "Your download code"));
        try {
            Sql.awaitQuaestor("SELECT count(*) FROM dsar_verification WHERE request_id = '" + id + "' AND consumed_at IS NULL");
        } catch (AssertionError e) {
            throw new AssertionError(dump("SELECT kind || ' ' || coalesce(sent_at::text, '-') || ' ' || attempts FROM subject_message WHERE request_id = '" + id + "'")
                    + dump("SELECT created_at || ' ' || coalesce(consumed_at::text, '-') || ' ' || attempts FROM dsar_verification WHERE request_id = '" + id + "'"), e);
        }
        assertEquals(422, download(token, code.equals("00000000") ? "11111111" : "00000000").statusCode(), "a wrong code");

        HttpResponse<byte[]> zip = download(token, code);
        assertEquals(200, zip.statusCode(), new String(zip.body(), StandardCharsets.UTF_8));
        assertEquals("application/zip", zip.headers().firstValue("Content-Type").orElseThrow());
        Map<String, byte[]> files = unzip(zip.body());
        JsonObject manifest = Json.createReader(new ByteArrayInputStream(files.get("manifest.json"))).readObject();
        for (JsonValue v : manifest.getJsonArray("files")) {
            JsonObject f = v.asJsonObject();
            assertEquals(f.getString("sha256"), sha256(files.get(f.getString("path"))), f.getString("path"));
        }
        assertEquals(40, rows(manifest, "data/technical-metadata/request_metadata.csv"));
        assertEquals(41, new String(files.get("data/technical-metadata/request_metadata.csv"), StandardCharsets.UTF_8).split("\r\n").length);
        assertTrue(new String(files.get("data/access-transparency/operator-access.csv"), StandardCharsets.UTF_8)
                .startsWith("Time (UTC),Operator (staff id),Action,Justification"), "who looked at the data is part of access");
        assertTrue(pdfText(files.get("letter.pdf")).contains("王小明"));
        assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM audit_event WHERE action = 'dsar.package-downloaded' AND resource_id = '"
                + info.getString("id") + "'"));

        assertEquals(410, download(token, code).statusCode(), "the link works once");
        assertEquals(410, api.post("api/public/packages/code", "{\"token\":\"" + token + "\"}", Api.ANONYMOUS).status());

        assertEquals(202, api.post("api/dsar/packages/" + id + "/links", "", officer).status());
        String second = link(awaitMail(account, "Your data is ready"));
        Sql.quaestorUpdate("UPDATE package_link SET expires_at = now() - interval '1 minute' WHERE package_id = '" + info.getString("id")
                + "' AND used_at IS NULL");
        assertEquals(410, api.post("api/public/packages/code", "{\"token\":\"" + second + "\"}", Api.ANONYMOUS).status(), "expired");

        Sql.quaestorUpdate("UPDATE deadline_timer SET fire_at = now() WHERE kind = 'ACCESS_PACKAGE_EXPIRY' AND ref_id = '" + info.getString("id") + "'");
        Sql.awaitQuaestor("SELECT count(*) FROM access_package WHERE id = '" + info.getString("id") + "' AND state = 'DELETED' "
                + "AND wrapped_key IS NULL");
        assertEquals(0, Sql.quaestorLong("SELECT count(*) FROM access_package_segment WHERE package_id = '" + info.getString("id") + "'"));
    }

    @Test
    void anOfficerReviewsThePackageBeforeCompletionReleasesExactlyThatPackage() throws Exception {
        UUID account = customer("review", "Review Subject", 3);
        String id = filing("ACCESS", account);
        assertEquals(409, api.post("api/dsar/packages/" + id + "/prepare", "", officer).status(), "not in progress yet");
        assertEquals(200, step(id, "start").status());

        Api.Reply prepared = api.post("api/dsar/packages/" + id + "/prepare", "", officer);
        assertEquals(200, prepared.status(), prepared.body());
        JsonObject info = prepared.json();
        assertEquals("READY", info.getString("state"));
        assertFalse(info.containsKey("reviewedAt"), "built, not yet reviewed");
        assertEquals(409, api.post("api/dsar/packages/" + id + "/links", "", officer).status(), "no link before release");
        String packageId = info.getString("id");

        assertProblem(api.get("api/dsar/packages/" + id + "/files/..%2Fsecrets", officer), 422, "file");
        assertEquals(404, api.get("api/dsar/packages/" + id + "/files/no-such.csv", officer).status());
        assertEquals(0, Sql.quaestorLong("SELECT count(*) FROM audit_event WHERE action = 'dsar.package-reviewed' AND resource_id = '"
                + packageId + "'"), "a file that is not there was not read");
        Api.Reply manifest = api.get("api/dsar/packages/" + id + "/files/manifest.json", officer);
        assertEquals(200, manifest.status(), manifest.body());
        assertEquals("no-store", manifest.header("Cache-Control").orElse(""));
        Api.Reply table = api.get("api/dsar/packages/" + id + "/files/data/technical-metadata/request_metadata.csv", officer);
        assertEquals(200, table.status());
        assertEquals(4, table.body().split("\r\n").length, "header and the subject's three rows");
        assertEquals(2, Sql.quaestorLong("SELECT count(*) FROM audit_event WHERE action = 'dsar.package-reviewed' AND resource_id = '"
                + packageId + "'"), "each opening is an audited read");
        JsonObject reviewed = api.get("api/dsar/packages/" + id, officer).json();
        assertTrue(reviewed.containsKey("reviewedAt") && reviewed.containsKey("reviewedBy"), reviewed.toString());

        assertEquals(200, step(id, "complete").status());
        JsonObject released = api.get("api/dsar/packages/" + id, officer).json();
        assertEquals(packageId, released.getString("id"), "completion releases the reviewed package, not a new one");
        assertEquals(info.getString("sha256"), released.getString("sha256"));
        assertTrue(link(awaitMail(account, "Your data is ready")).length() == 43);
    }

    @Test
    void anErasureUnderLegalHoldIsRefusedThenCarriedOutVerifiedAndCertified() throws Exception {
        UUID account = customer("erase", "Erika Mustermann", 25);
        String id = filing("ERASURE", account);
        assertEquals(200, step(id, "start").status());
        Api.Reply hold = api.post("api/legal-holds", "{\"scope\":\"ACCOUNT\",\"scopeValue\":\"" + account
                + "\",\"reason\":\"Litigation hold, case 2026-17\",\"matter\":\"CASE-2026-17\"}", officer);
        assertEquals(201, hold.status(), hold.body());
        assertProblem(api.post("api/legal-holds", "{\"scope\":\"TENANT\",\"scopeValue\":\"x\"}", officer), 422, "reason");
        assertProblem(api.post("api/legal-holds", "{\"scope\":\"ACCOUNT\",\"scopeValue\":\"not-a-uuid\",\"reason\":\"Litigation hold\"}",
                officer), 422, "scopeValue");

        Api.Reply held = step(id, "complete");
        assertEquals(409, held.status(), held.body());
        assertEquals("legal-hold", held.problemSlug());
        assertTrue(held.json().getString("detail").contains("Litigation hold, case 2026-17"), held.body());
        assertEquals(25, Sql.gatewayLong("SELECT count(*) FROM request_metadata WHERE account_id = '" + account + "'"), "nothing was erased");
        assertEquals("IN_PROGRESS", api.get("api/dsar/requests/" + id, officer).json().getString("status"));

        assertEquals(200, api.post("api/legal-holds/" + hold.json().getString("id") + "/release",
                "{\"reason\":\"case settled\"}", officer).status());
        Api.Reply done = step(id, "complete");
        assertEquals(200, done.status(), done.body());
        assertEquals("COMPLETED", done.json().getString("status"));
        assertErased(account);

        Api.Reply json = api.get("api/dsar/erasures/" + id + "/certificate", officer);
        assertEquals(200, json.status(), json.body());
        String sha = json.header("X-Certificate-SHA256").orElseThrow();
        assertEquals(sha, sha256(json.body().getBytes(StandardCharsets.UTF_8)), "the digest is over the exact bytes served");
        assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM audit_event WHERE action = 'erasure.certified' AND details::jsonb ->> 'sha256' = '"
                + sha + "'"), "the digest is sealed in the audit trail");
        JsonObject certificate = json.json();
        assertTrue(certificate.getJsonObject("verification").getBoolean("clean"));
        assertFalse(json.body().contains(email(account)), "the certificate names the subject only by pseudonym");
        assertTrue(certificate.getJsonObject("totals").getJsonNumber("deleted").longValue() >= 25 + 1);
        assertEquals(2, certificate.getJsonObject("totals").getJsonNumber("pseudonymized").longValue(), "one invoice, one payment");
        HttpResponse<byte[]> pdf = api.bytes(officer.apply(api.request("api/dsar/erasures/" + id + "/certificate")
                .setHeader("Accept", "application/pdf").GET(), false));
        assertEquals(200, pdf.statusCode());
        assertTrue(pdfText(pdf.body()).contains(sha), "the PDF carries the JSON's digest");
        assertNull(Sql.quaestorString("SELECT sealed_identifiers::text FROM erasure_run WHERE request_id = '" + id + "'"));
        awaitHook("\"subject.erased\"", account.toString());
        awaitHook("\"subject.erasure-started\"", account.toString());
    }

    @Test
    void anErasureInterruptedBeforeItsStoreCommitResumesByItselfAndCompletesTheRequest() throws Exception {
        UUID account = customer("resume", "Resume Person", 10);
        String id = filing("ERASURE", account);
        assertEquals(200, step(id, "start").status());
        try (Connection c = TestDatabase.superuser("gateway"); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION fail_erasure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'store failed'; END $$");
            s.execute("CREATE TRIGGER fail_erasure BEFORE DELETE ON accounts FOR EACH ROW WHEN (OLD.id = '" + account
                    + "') EXECUTE FUNCTION fail_erasure()");
        }
        Api.Reply failed = step(id, "complete");
        assertEquals(500, failed.status(), failed.body());
        assertEquals(10, Sql.gatewayLong("SELECT count(*) FROM request_metadata WHERE account_id = '" + account + "'"),
                "the store's transaction rolled back whole: the metadata deleted before the failure is back");
        String run = Sql.quaestorString("SELECT id::text FROM erasure_run WHERE request_id = '" + id + "'");
        assertEquals("STARTED", Sql.quaestorString("SELECT state FROM erasure_run WHERE id = '" + run + "'"));
        // As if the process had died after recording the counts but before the store committed.
        Sql.quaestorUpdate("UPDATE erasure_run SET state = 'APPLYING', applied = '{\"committed\":[],\"pending\":[]}' WHERE id = '" + run + "'");
        try (Connection c = TestDatabase.superuser("gateway"); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER fail_erasure ON accounts");
            s.execute("DROP FUNCTION fail_erasure()");
        }

        Sql.quaestorUpdate("UPDATE deadline_timer SET fire_at = now() WHERE kind = 'ERASURE_RESUME' AND ref_id = '" + run + "' AND fired_at IS NULL");
        Sql.awaitQuaestor("SELECT count(*) FROM dsar_request WHERE id = '" + id + "' AND status = 'COMPLETED'");
        assertErased(account);
        assertEquals("CERTIFIED", Sql.quaestorString("SELECT state FROM erasure_run WHERE id = '" + run + "'"));
        JsonObject certificate = api.get("api/dsar/erasures/" + id + "/certificate", officer).json();
        assertEquals(10, certificate.getJsonArray("stores").getJsonObject(0).getJsonArray("tables").stream()
                .map(JsonValue::asJsonObject).filter(t -> t.getString("table").equals("request_metadata"))
                .findFirst().orElseThrow().getJsonNumber("rows").longValue(), "the counts are the re-applied transaction's");
        JsonObject history = api.get("api/dsar/requests/" + id, officer).json();
        assertTrue(history.toString().contains("erasure finished and certified after an interruption"), history.toString());
    }

    private void assertErased(UUID account) throws SQLException {
        assertEquals(0, Sql.gatewayLong("SELECT count(*) FROM accounts WHERE id = '" + account + "'"));
        assertEquals(0, Sql.gatewayLong("SELECT count(*) FROM request_metadata WHERE account_id = '" + account + "'"));
        assertEquals(0, Sql.gatewayLong("SELECT count(*) FROM api_keys WHERE account_id = '" + account + "'"));
        assertEquals(1, Sql.gatewayLong("SELECT count(*) FROM invoices WHERE number = 'INV-" + account.toString().substring(0, 8) + "' AND account_id IS NULL "
                + "AND billing_email LIKE 'ps\\_%' AND billing_name LIKE 'ps\\_%' AND billing_address IS NULL"),
                "the invoice is kept, its personal fields pseudonymized");
        assertEquals(1, Sql.gatewayLong("SELECT count(*) FROM payments WHERE receipt_id = 'R-" + account.toString().substring(0, 8) + "' AND account_id IS NULL "
                + "AND payment_method_id LIKE 'ps\\_%'"));
    }

    /** An organization and an account with API key, metadata rows, a paid invoice and its payment. */
    private static UUID customer(String stem, String name, int metadataRows) throws Exception {
        UUID org = UUID.randomUUID();
        UUID account = UUID.randomUUID();
        try (Connection c = TestDatabase.superuser("gateway"); Statement s = c.createStatement()) {
            s.execute("SELECT ensure_request_metadata_partitions(current_date - 1, current_date + 1)");
            s.execute("INSERT INTO organizations (id, name, region, created_at) VALUES ('" + org + "', 'Org " + stem + "', 'global', now())");
            s.execute("INSERT INTO accounts (id, organization_id, email, name, username, created_at, updated_at) VALUES ('" + account
                    + "', '" + org + "', '" + email(account) + "', '" + name + "', 'u-" + account.toString().substring(0, 8) + "', now(), now())");
            s.execute("INSERT INTO api_keys (id, account_id, organization_id, name, key_prefix, key_hash, created_at) VALUES (gen_random_uuid(), '"
                    + account + "', '" + org + "', 'ci', 'qk_" + account.toString().substring(0, 8) + "', '$2a$10$abcdefghijklmnopqrstuv', now())");
            s.execute("INSERT INTO request_metadata (occurred_at, request_id, account_id, organization_id, model, prompt_tokens, "
                    + "completion_tokens, total_tokens, cost_micro_usd, latency_ms, http_status, user_agent) SELECT now() - (g || ' seconds')::interval, "
                    + "gen_random_uuid(), '" + account + "', '" + org + "', 'gpt-4o', 10, 20, 30, 100, 50, 200, 'sdk, \"quoted\"' "
                    + "FROM generate_series(1, " + metadataRows + ") g");
            s.execute("INSERT INTO invoices (id, organization_id, account_id, number, issued_at, amount_cents, currency, billing_name, "
                    + "billing_email, billing_address, status) VALUES (gen_random_uuid(), '" + org + "', '" + account + "', 'INV-" + account.toString().substring(0, 8)
                    + "', now(), 900, 'EUR', '" + name + "', '" + email(account) + "', '1 Main Street', 'paid')");
            s.execute("INSERT INTO payments (id, invoice_id, account_id, processor, payment_method_id, receipt_id, amount_cents, currency, "
                    + "paid_at) SELECT gen_random_uuid(), id, account_id, 'stripe', 'pm_" + stem + "', 'R-" + account.toString().substring(0, 8) + "', 900, 'EUR', now() "
                    + "FROM invoices WHERE number = 'INV-" + account.toString().substring(0, 8) + "'");
        }
        return account;
    }

    private String filing(String type, UUID account) {
        Api.Reply reply = api.post("api/dsar/requests", "{\"type\":\"" + type + "\",\"email\":\"" + email(account)
                + "\",\"region\":\"EU\",\"receivedAt\":\"" + Instant.now().minus(1, ChronoUnit.HOURS) + "\",\"evidence\":\"id card\"}", officer);
        assertEquals(201, reply.status(), reply.body());
        return reply.json().getString("id");
    }

    private Api.Reply step(String id, String action) {
        return api.post("api/dsar/requests/" + id + "/actions", "{\"action\":\"" + action + "\"}", officer);
    }

    private HttpResponse<byte[]> download(String token, String code) {
        return api.bytes(api.request("api/public/packages/download").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\",\"code\":\"" + code + "\"}")));
    }

    private static String email(UUID account) {
        return "fulfil." + account.toString().substring(0, 8) + "@customer.example";
    }

    private static String awaitMail(UUID account, String subject) throws Exception {
        return smtp.awaitBody(email(account), subject);
    }

    private static String link(String mail) {
        Matcher m = LINK.matcher(mail);
        assertTrue(m.find(), mail);
        return m.group(1);
    }

    private static String code(String mail) {
        Matcher m = CODE.matcher(mail);
        assertTrue(m.find(), mail);
        return m.group(1);
    }

    private static void assertProblem(Api.Reply reply, int status, String field) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.body().contains("\"" + field + "\""), reply.body());
    }

    private static long rows(JsonObject manifest, String path) {
        return manifest.getJsonArray("files").stream().map(JsonValue::asJsonObject).filter(f -> f.getString("path").equals(path))
                .findFirst().orElseThrow().getJsonNumber("rows").longValue();
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                files.put(entry.getName(), in.readAllBytes());
            }
        }
        return files;
    }

    private static String pdfText(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static long gatewaySegmentsContaining(String packageId, String text) throws SQLException {
        return Sql.quaestorLong("SELECT count(*) FROM access_package_segment WHERE package_id = '" + packageId
                + "' AND position(convert_to('" + text + "', 'UTF8') in sealed) > 0");
    }

    private static void awaitHook(String event, String account) throws InterruptedException {
        for (int i = 0; i < 80; i++) {
            if (HOOKS.stream().anyMatch(b -> b.contains(event) && b.contains(account))) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no webhook " + event + " for " + account + " in " + HOOKS);
    }


    private static String dump(String sql) throws SQLException {
        StringBuilder out = new StringBuilder(sql).append(":\n");
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.append("  ").append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }





    static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }
}
