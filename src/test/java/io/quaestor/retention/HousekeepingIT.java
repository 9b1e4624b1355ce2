package io.quaestor.retention;

import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.Sql;
import io.quaestor.testing.StaffFixtures;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quaestor's own records under its own schedule: case files past their evidence period and
 * unverified requests reduced to a minimal record, expired verification codes and old escalation
 * logs deleted, old incidents reduced to their register entry; what a hold covers (an account, a
 * tenant, a line by name) kept; the run recorded per line and sealed; and the promise check
 * naming an overdue line until the run has kept it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HousekeepingIT {

    @ArquillianResource
    URL deployment;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    private final String tag = Long.toString(System.nanoTime() & 0xFFFFFFL, 36).toUpperCase();
    /** Accounts and tenants in the store's key form (uuids), as holds require. */
    private final String heldAccount = UUID.randomUUID().toString();
    private final String heldTenant = UUID.randomUUID().toString();

    @Test
    void ownRecordsAreReducedOrDeletedOnScheduleExceptWhatAHoldKeeps() throws Exception {
        Api api = new Api(deployment);
        Api.Session admin = StaffFixtures.admin(api);
        String staff = Sql.quaestorString("SELECT id FROM staff_user ORDER BY created_at LIMIT 1");

        UUID oldCase = request("COMPLETED", "4 years", UUID.randomUUID().toString(), staff);
        UUID heldCase = request("COMPLETED", "4 years", heldAccount, staff);
        UUID unverified = request("LAPSED", "100 days", null, staff);
        UUID recentCase = request("COMPLETED", "1 year", UUID.randomUUID().toString(), staff);
        Sql.quaestorUpdate("UPDATE dsar_verification SET expires_at = now() - interval '40 days' WHERE request_id = '" + recentCase + "'");
        UUID oldIncident = incident("6 years", UUID.randomUUID().toString(), staff);
        UUID heldIncident = incident("6 years", heldTenant, staff);
        UUID recentIncident = incident("2 years", UUID.randomUUID().toString(), staff);

        assertEquals(201, api.post("api/legal-holds", "{\"scope\":\"ACCOUNT\",\"scopeValue\":\"" + heldAccount
                + "\",\"reason\":\"Complaint to the authority about this request\"}", admin).status());
        assertEquals(201, api.post("api/legal-holds", "{\"scope\":\"TENANT\",\"scopeValue\":\"" + heldTenant
                + "\",\"reason\":\"Litigation about the incident\"}", admin).status());
        Api.Reply unknownLine = api.post("api/legal-holds", "{\"scope\":\"CATEGORY\",\"scopeValue\":\"no-such-line\",\"reason\":\"Testing\"}", admin);
        assertEquals(422, unknownLine.status(), unknownLine.body());

        JsonObject before = api.get("api/documents/conformance", admin).json();
        assertTrue(before.getJsonArray("mismatches").stream().map(JsonValue::asJsonObject)
                .anyMatch(m -> m.getString("line").contains("dsar-case-files")), "an overdue case file breaks the published promise: " + before);

        Api.Reply started = api.post("api/retention/housekeeping", "", admin);
        assertEquals(202, started.status(), started.body());
        long execution = started.json().getJsonNumber("jobExecution").longValue();
        Sql.awaitQuaestor("SELECT CASE WHEN count(*) = 6 THEN 1 ELSE 0 END FROM housekeeping_record WHERE execution_id = " + execution);
        Sql.awaitQuaestor("SELECT count(*) FROM audit_event WHERE action = 'retention.housekeeping' AND resource_id = 'quaestor-housekeeping/"
                + execution + "'");

        assertMinimised(oldCase);
        assertMinimised(unverified);
        assertIntact(heldCase, "an account hold keeps the case file");
        assertIntact(recentCase, "a case file within its evidence period is kept");
        assertEquals(0, Sql.quaestorLong("SELECT count(*) FROM dsar_verification WHERE request_id = '" + recentCase + "'"),
                "an expired code goes after 30 days, though its case file stays");
        assertEquals("", Sql.quaestorString("SELECT tenants FROM incident WHERE id = '" + oldIncident + "'"));
        assertNotNull(Sql.quaestorString("SELECT minimised_at FROM incident WHERE id = '" + oldIncident + "'"));
        assertEquals("Laptop lost " + tag, Sql.quaestorString("SELECT title FROM incident WHERE id = '" + oldIncident + "'"),
                "the register entry stays");
        assertNull(Sql.quaestorString("SELECT minimised_at FROM incident WHERE id = '" + heldIncident + "'"), "a tenant hold keeps the incident");
        assertNull(Sql.quaestorString("SELECT minimised_at FROM incident WHERE id = '" + recentIncident + "'"));
        assertEquals(0, Sql.quaestorLong("SELECT count(*) FROM escalation_delivery WHERE incident_id IN ('" + oldIncident + "', '"
                + recentIncident + "')"), "escalation logs go a year after the incident closed");
        assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM escalation_delivery WHERE incident_id = '" + heldIncident + "'"));

        JsonObject records = api.get("api/retention/housekeeping", admin).json();
        JsonObject caseFiles = records.getJsonArray("recorded").stream().map(JsonValue::asJsonObject)
                .filter(r -> r.getJsonNumber("execution").longValue() == execution && r.getString("line").equals("dsar-case-files"))
                .findFirst().orElseThrow();
        String reference = Sql.quaestorString("SELECT reference FROM dsar_request WHERE id = '" + oldCase + "'");
        assertTrue(caseFiles.getJsonArray("references").getValuesAs(jakarta.json.JsonString.class).stream()
                .anyMatch(r -> r.getString().equals(reference)), "the record names the case files it reduced: " + caseFiles);
        assertTrue(caseFiles.getInt("held") >= 1, "and counts what a hold kept: " + caseFiles);
        assertEquals(64, caseFiles.getString("keysSha256").length());
        assertTrue(records.getJsonArray("schedule").stream().map(JsonValue::asJsonObject)
                .allMatch(l -> !l.containsKey("overdueSeconds") || l.getJsonNumber("overdueSeconds").longValue() <= 0), records.toString());

        JsonObject after = api.get("api/documents/conformance", admin).json();
        assertFalse(after.getJsonArray("mismatches").stream().map(JsonValue::asJsonObject)
                .anyMatch(m -> m.getString("line").contains("Quaestor's")), "nothing of Quaestor's own is overdue now: " + after);
        assertEquals(403, api.post("api/retention/housekeeping", "", new Api.Bearer(StaffFixtures.token(api,
                io.quaestor.security.entity.Role.AUDITOR))).status(), "auditors read the records; only admins start the job");
    }

    private void assertMinimised(UUID id) throws Exception {
        String where = "request_id = '" + id + "'";
        assertNotNull(Sql.quaestorString("SELECT minimised_at FROM dsar_request WHERE id = '" + id + "'"));
        assertNull(Sql.quaestorString("SELECT coalesce(subject_email, subject_account_id, details) FROM dsar_request WHERE id = '" + id + "'"));
        assertEquals(0, Sql.quaestorLong("SELECT (SELECT count(*) FROM dsar_note WHERE " + where + ") + (SELECT count(*) FROM dsar_attachment WHERE "
                + where + ") + (SELECT count(*) FROM subject_message WHERE " + where + ") + (SELECT count(*) FROM dsar_verification WHERE " + where
                + ") + (SELECT count(*) FROM dsar_request_event WHERE " + where + " AND reason IS NOT NULL)"));
        assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM dsar_request_event WHERE " + where), "the history of states stays");
    }

    private void assertIntact(UUID id, String why) throws Exception {
        assertNull(Sql.quaestorString("SELECT minimised_at FROM dsar_request WHERE id = '" + id + "'"), why);
        assertEquals(1, Sql.quaestorLong("SELECT count(*) FROM dsar_attachment WHERE request_id = '" + id + "'"), why);
        assertEquals("someone-" + tag + "@example.org", Sql.quaestorString("SELECT subject_email FROM dsar_request WHERE id = '" + id + "'"), why);
    }

    /** Plants a closed request with everything a case file holds, closed this long ago. */
    private UUID request(String status, String closedAgo, String account, String staff) throws Exception {
        UUID id = UUID.randomUUID();
        String at = "now() - interval '" + closedAgo + "'";
        Sql.quaestorUpdate("INSERT INTO dsar_request (id, reference, type, status, channel, region, regime, subject_email, subject_account_id, "
                + "details, received_at, due_at, closed_at) VALUES ('" + id + "', 'HK-" + tag + "-" + id.toString().substring(0, 8) + "', 'ACCESS', '"
                + status + "', 'PORTAL', 'EU', 'GDPR', 'someone-" + tag + "@example.org', " + (account == null ? "NULL" : "'" + account + "'")
                + ", 'Please send my data', " + at + " - interval '20 days', " + at + " + interval '10 days', " + at + ")");
        Sql.quaestorUpdate("INSERT INTO dsar_request_event (request_id, action, to_status, actor, reason, occurred_at) VALUES ('" + id
                + "', 'close', '" + status + "', 'officer', 'Spoke to Ms Example on the phone', " + at + ")");
        Sql.quaestorUpdate("INSERT INTO dsar_note (id, request_id, author_id, body, created_at) VALUES (gen_random_uuid(), '" + id + "', '"
                + staff + "', 'Called back on +49 30 1234', " + at + ")");
        Sql.quaestorUpdate("INSERT INTO dsar_attachment (id, request_id, filename, content_type, size_bytes, sha256, content, uploaded_by, uploaded_at) "
                + "VALUES (gen_random_uuid(), '" + id + "', 'letter.pdf', 'application/pdf', 3, sha256('abc'), 'abc', '" + staff + "', " + at + ")");
        Sql.quaestorUpdate("INSERT INTO subject_message (id, request_id, kind, created_at, next_attempt_at, sent_at) VALUES (gen_random_uuid(), '"
                + id + "', 'completed', " + at + ", " + at + ", " + at + ")");
        Sql.quaestorUpdate("INSERT INTO dsar_verification (id, request_id, code_hash, created_at, expires_at) VALUES (gen_random_uuid(), '" + id
                + "', sha256('code'), " + at + " - interval '19 days', " + at + " - interval '18 days')");
        return id;
    }

    /** Plants an incident closed this long ago, with one escalation delivered and its attempt. */
    private UUID incident(String closedAgo, String tenant, String staff) throws Exception {
        UUID id = UUID.randomUUID();
        String at = "now() - interval '" + closedAgo + "'";
        Sql.quaestorUpdate("INSERT INTO incident (id, reference, title, description, type, severity, status, reported_by, owner_id, occurred_at, "
                + "detected_at, tenants, rule_set_version, created_at, closed_at) VALUES ('" + id + "', 'HK-INC-" + id.toString().substring(0, 8)
                + "', 'Laptop lost " + tag + "', 'A laptop was left on a train', 'CONFIDENTIALITY', 'LOW', 'CLOSED', '" + staff + "', '" + staff
                + "', " + at + " - interval '9 days', " + at + " - interval '8 days', '" + tenant + "', 'test', " + at + " - interval '8 days', " + at + ")");
        UUID delivery = UUID.randomUUID();
        Sql.quaestorUpdate("INSERT INTO escalation_delivery (id, incident_id, stage, channel, staff_id, subject, payload, created_at, next_attempt_at, "
                + "attempts, delivered_at) VALUES ('" + delivery + "', '" + id + "', 'reminder', 'EMAIL', '" + staff + "', 'Reminder', 'to oncall@example.org', "
                + at + " - interval '7 days', " + at + " - interval '7 days', 1, " + at + " - interval '7 days')");
        Sql.quaestorUpdate("INSERT INTO escalation_attempt (id, delivery_id, at, outcome) VALUES (gen_random_uuid(), '" + delivery + "', "
                + at + " - interval '7 days', 'DELIVERED')");
        return id;
    }
}
