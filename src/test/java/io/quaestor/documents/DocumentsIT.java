package io.quaestor.documents;

import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.Sql;
import io.quaestor.testing.StaffFixtures;
import io.quaestor.testing.TestSmtp;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Documents generated from the live configuration: published as versions whose SHA-256 is sealed
 * in the audit trail, read by data subjects without signing in, and refused while the system
 * breaks a published promise (a row older than its period), which the promise check names.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DocumentsIT {

    @ArquillianResource
    URL deployment;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    private static boolean checkedAfterThePurge(Api api) throws InterruptedException {
        for (int i = 0; i < 80; i++) {
            JsonObject documents = api.get("health/ready", Api.ANONYMOUS).json().getJsonArray("checks").stream().map(c -> c.asJsonObject())
                    .filter(c -> c.getString("name").equals("documents")).findFirst().orElseThrow();
            if (documents.getJsonObject("data").containsKey("checked-at")) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    @Test
    void documentsArePublishedAsSealedVersionsAndRefusedWhileTheSystemBreaksAPromise() throws Exception {
        Api api = new Api(deployment);
        Api.Session admin = StaffFixtures.admin(api);
        Api.Bearer officer = new Api.Bearer(StaffFixtures.token(api, Role.PRIVACY_OFFICER));
        // A customer to plant an old row for; generating also writes logs of past days, which the purge then removes.
        Api.Reply generated = api.post("api/reference-store/generations", "{\"organizations\":1,\"accounts\":1,\"metadataRows\":0,"
                + "\"days\":1,\"seed\":" + (1000 + (System.nanoTime() & 0xFFFFF)) + "}", admin);
        assertEquals(201, generated.status(), generated.body());
        Api.Reply purge = api.post("api/retention/runs", "{\"dryRun\":false}", admin);
        assertEquals(202, purge.status(), purge.body());
        Sql.awaitQuaestor("SELECT count(*) FROM retention_run WHERE id = '" + purge.json().getString("id") + "' AND state = 'COMPLETED'");
        assertTrue(checkedAfterThePurge(api), "a sealed purge runs the promise check (readiness data 'documents')");

        JsonObject draft = api.get("api/documents/privacy-policy/draft?language=de", officer).json();
        assertEquals("Datenschutzerklärung", draft.getJsonObject("document").getString("title"));
        assertEquals(422, api.get("api/documents/privacy-policy/draft?language=fr", officer).status());
        assertEquals(404, api.get("api/documents/no-such-document/draft", officer).status());

        Api.Reply first = api.post("api/documents/security-commitments/versions?language=en", "", officer);
        assertEquals(201, first.status(), first.body());
        assertEquals(1, first.json().getInt("version"));
        String sha = first.json().getString("sha256");
        assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM audit_event WHERE action = 'documents.published' AND details LIKE '%" + sha + "%'"),
                "the version's SHA-256 is sealed in the trail");
        assertEquals(409, api.post("api/documents/security-commitments/versions?language=en", "", officer).status(), "nothing changed");

        Api.Reply json = api.get("api/public/documents/security-commitments?language=en", Api.ANONYMOUS);
        assertEquals(200, json.status(), json.body());
        assertTrue(json.body().contains("GDPR Art. 33"), "the obligation rules are the commitments");
        HttpResponse<byte[]> html = api.bytes(api.request("api/public/documents/security-commitments?language=en").setHeader("Accept", "text/html").GET());
        assertEquals(200, html.statusCode());
        String page = new String(html.body(), StandardCharsets.UTF_8);
        assertTrue(page.contains("<h1>Security and incident response commitments</h1>"), page);
        HttpResponse<byte[]> pdf = api.bytes(api.request("api/public/documents/security-commitments?language=en").setHeader("Accept", "application/pdf").GET());
        assertEquals("%PDF", new String(pdf.body(), 0, 4, StandardCharsets.US_ASCII));
        assertEquals(404, api.get("api/public/documents/records-of-processing", Api.ANONYMOUS).status(), "not a public document");

        String account = Sql.gatewayString("SELECT id::text FROM accounts ORDER BY created_at DESC LIMIT 1");
        Sql.gatewayUpdate("INSERT INTO login_records (account_id, occurred_at, succeeded) VALUES ('" + account
                + "', now() - interval '400 days', true)");
        try {
            JsonObject conformance = api.get("api/documents/conformance", officer).json();
            assertFalse(conformance.getBoolean("conforms"));
            assertTrue(conformance.toString().contains("retention of gateway-global.login_records"), conformance.toString());
            Api.Reply refused = api.post("api/documents/privacy-policy/versions?language=en", "", officer);
            assertEquals(409, refused.status(), refused.body());
            assertTrue(refused.body().contains("login_records"), refused.body());
        } finally {
            Sql.gatewayUpdate("DELETE FROM login_records WHERE occurred_at < now() - interval '399 days'");
        }
        String contact = api.post("api/escalation-contacts", "{\"name\":\"Chat tool\",\"channel\":\"WEBHOOK\",\"address\":"
                + "\"https://hooks.chat.example/incidents\"}", admin).json().getJsonObject("contact").getString("id");
        Sql.gatewayUpdate("ALTER TABLE request_metadata ADD COLUMN prompt text");
        try {
            String broken = api.get("api/documents/conformance", officer).body();
            assertTrue(broken.contains("never stored: prompt and completion content") && broken.contains("request_metadata.prompt"), broken);
            assertTrue(broken.contains("recipients: webhook to hooks.chat.example"), broken);
        } finally {
            Sql.gatewayUpdate("ALTER TABLE request_metadata DROP COLUMN prompt");
            assertEquals(200, api.post("api/escalation-contacts/" + contact + "/deactivation", "", admin).status());
        }
        String after = api.get("api/documents/conformance", officer).body();
        JsonObject history = api.get("api/documents/conformance/history?limit=5", new Api.Bearer(StaffFixtures.token(api, Role.AUDITOR)))
                .array().getJsonObject(1);
        assertFalse(history.getBoolean("conforms"), "the auditor sees the broken promise in the history: " + history);
        assertEquals(422, api.get("api/documents/conformance/history?limit=0", officer).status());
        assertFalse(after.contains("retention of") || after.contains("never stored") || after.contains("recipients:"),
                "the promises hold again: " + after);
        assertEquals(201, api.post("api/documents/privacy-policy/versions?language=en", "", officer).status());
    }

    @Test
    void aMaterialChangeWaitsForASecondOfficerAndItsNoticePeriodAndIsAnnouncedToConfirmedSubscribers() throws Exception {
        Api api = new Api(deployment);
        Api.Session admin = StaffFixtures.admin(api);
        Api.Bearer proposer = new Api.Bearer(StaffFixtures.token(api, Role.PRIVACY_OFFICER));
        JsonObject second = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("second-officer"), "PERSON", Role.PRIVACY_OFFICER)
                .getJsonObject("user");
        Api.Bearer approver = new Api.Bearer(StaffFixtures.issueToken(api, admin, second.getString("id"), Role.PRIVACY_OFFICER));
        String kind = "api/documents/sub-processors";
        Api.Reply first = api.post(kind + "/versions?language=de", "", proposer);
        assertTrue(first.status() == 201 || first.status() == 409, first.body());
        int inForce = api.get("api/public/documents/sub-processors?language=de", Api.ANONYMOUS).json().getInt("version");

        TestSmtp smtp = TestSmtp.start();
        Path map = Path.of(System.getProperty("quaestor.it.datamap"));
        String shipped = Files.readString(map);
        try {
            String tag = Long.toString(System.nanoTime() & 0xFFFFFF, 36);
            String subscriber = "reader-" + tag + "@example.org";
            String undecided = "undecided-" + tag + "@example.org";
            assertEquals(422, api.post("api/public/documents/subscriptions", "{\"email\":\"not-an-address\"}", Api.ANONYMOUS).status());
            assertEquals(202, api.post("api/public/documents/subscriptions", "{\"email\":\"" + subscriber + "\",\"language\":\"de\"}",
                    Api.ANONYMOUS).status());
            assertEquals(202, api.post("api/public/documents/subscriptions", "{\"email\":\"" + undecided + "\",\"language\":\"de\"}",
                    Api.ANONYMOUS).status());
            String confirmation = smtp.awaitText(subscriber, "Bestätigung");
            String token = confirmation.substring(confirmation.indexOf("#confirm=") + 9).split("\\s")[0];
            assertEquals(404, api.post("api/public/documents/subscriptions/confirmation", "{\"token\":\"" + token.substring(0, token.length() - 2)
                    + "xx\"}", Api.ANONYMOUS).status(), "a forged token");
            Api.Reply confirmed = api.post("api/public/documents/subscriptions/confirmation", "{\"token\":\"" + token + "\"}", Api.ANONYMOUS);
            assertEquals(200, confirmed.status(), confirmed.body());

            Files.writeString(map, shipped.replace("{ \"name\": \"Stripe\"", "{ \"name\": \"Acme Analytics\", \"kind\": \"other\", "
                    + "\"categories\": [\"technical-metadata\"], \"transfer\": \"standard contractual clauses\" },\n    { \"name\": \"Stripe\""));
            assertEquals(200, api.post("api/datamap/reload", "", admin).status());
            assertTrue(api.get(kind + "/draft?language=de", proposer).json().getBoolean("material"), "a new recipient is material");

            Api.Reply proposed = api.post(kind + "/versions?language=de", "", proposer);
            assertEquals(201, proposed.status(), proposed.body());
            assertEquals("PROPOSED", proposed.json().getString("state"));
            int number = proposed.json().getInt("version");
            assertEquals(inForce, api.get("api/public/documents/sub-processors?language=de", Api.ANONYMOUS).json().getInt("version"),
                    "a proposal is not in force");
            assertEquals(409, api.post(kind + "/versions?language=de", "", proposer).status(), "one proposal at a time");
            Api.Reply own = api.post(kind + "/versions/" + number + "/approval?language=de", "", proposer);
            assertEquals(409, own.status(), own.body());
            assertTrue(own.body().contains("second privacy officer"), own.body());

            Api.Reply approved = api.post(kind + "/versions/" + number + "/approval?language=de", "", approver);
            assertEquals(200, approved.status(), approved.body());
            Instant approvedAt = Instant.parse(approved.json().getString("approvedAt"));
            Instant effective = Instant.parse(approved.json().getString("effectiveAt"));
            assertFalse(effective.isBefore(approvedAt.plus(Duration.ofDays(30))), "the notice period runs from the approval");
            assertEquals(inForce, api.get("api/public/documents/sub-processors?language=de", Api.ANONYMOUS).json().getInt("version"),
                    "the old version stays in force during the notice period");
            String later = effective.plus(Duration.ofDays(1)).toString().substring(0, 10);
            assertEquals(number, api.get(kind + "?language=de&at=" + later, proposer).json().getInt("version"));
            assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM audit_event WHERE action = 'documents.published' AND details LIKE '%"
                    + approved.json().getString("sha256") + "%'"), "the approval seals the version's hash");

            String notice = smtp.awaitText(subscriber, "Änderungshinweis");
            assertTrue(notice.contains("Acme Analytics") && notice.contains(later.substring(0, 4)), notice);
            smtp.awaitText(undecided, "Bestätigung");
            assertEquals(1, smtp.count(undecided), "an unconfirmed address gets its confirmation link and nothing else");
            assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM gateway_webhook WHERE event = 'documents.material-change' AND "
                    + "payload::jsonb -> 'data' ->> 'version' = '" + number + "' AND payload::jsonb -> 'data' ->> 'document' = 'sub-processors' "
                    + "AND payload::jsonb -> 'data' ->> 'language' = 'de'"), "account holders are told through the gateway");
            String notices = api.get(kind + "/versions/" + number + "/notices?language=de", proposer).body();
            assertTrue(notices.contains("\"channel\":\"EMAIL\"") && notices.contains("\"outcome\":\"SENT\"")
                    && notices.contains("GATEWAY_WEBHOOK"), notices);

            String unsubscribe = notice.substring(notice.indexOf("#unsubscribe=") + 13).split("\\s")[0];
            assertEquals(200, api.post("api/public/documents/subscriptions/cancellation", "{\"token\":\"" + unsubscribe + "\"}", Api.ANONYMOUS).status());
            assertEquals(0, Sql.quaestorLong("SELECT count(*) FROM document_subscription WHERE email = '" + subscriber + "'"), "the address is deleted");
        } finally {
            Files.writeString(map, shipped);
            assertEquals(200, api.post("api/datamap/reload", "", admin).status());
            smtp.stop();
        }
    }
}
