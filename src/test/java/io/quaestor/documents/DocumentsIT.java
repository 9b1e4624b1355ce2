package io.quaestor.documents;

import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.Sql;
import io.quaestor.testing.StaffFixtures;
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
        String after = api.get("api/documents/conformance", officer).body();
        assertFalse(after.contains("retention of"), "the promise holds again: " + after);
        assertEquals(201, api.post("api/documents/privacy-policy/versions?language=en", "", officer).status());
    }
}
