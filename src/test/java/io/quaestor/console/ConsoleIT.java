package io.quaestor.console;

import io.quaestor.security.entity.Role;
import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.HeadlessChromium;
import io.quaestor.testing.Sql;
import io.quaestor.testing.StaffFixtures;
import io.quaestor.testing.TestSmtp;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The staff console in headless Chromium against the real Payara Micro and PostgreSQL: each
 * screen's main path, a keyboard-only path through an access request, a refused action showing
 * its rule, deep links, session expiry, axe-core on every screen (no serious or critical
 * violation), and no CSP violation in the browser's console. Screenshots go to
 * target/console-screenshots (docs/console.md shows them).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsoleIT {

    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final String PASSWORD = "Console-Passphrase-7319";
    /** The audit public key the test deployment signs with (arquillian.xml), as an auditor would have been given it. */
    private static final String AUDIT_PUBLIC_KEY = "MCowBQYDK2VwAyEAVqJvXur9rM51apLlS+n4ZiXP/q478PXu0gT8TX2aFNI=";
    private static TestSmtp smtp;
    private static String axe;

    @ArquillianResource
    URL deployment;

    WebDriver browser;
    WebDriverWait wait;
    Api api;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @BeforeAll
    static void setUp() throws IOException {
        smtp = TestSmtp.start();
        try (InputStream in = ConsoleIT.class.getClassLoader().getResourceAsStream("axe.min.js")) {
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @BeforeEach
    void browser() throws Exception {
        browser = HeadlessChromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        api = new Api(deployment);
    }

    @AfterEach
    void close() {
        if (browser != null) {
            assertNoCspViolation();
            browser.quit();
        }
    }

    @Test
    void theRootLeadsToTheConsoleUnderAStrictPolicy() throws Exception {
        HttpResponse<String> root = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.uri("")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, root.statusCode());
        assertTrue(root.headers().firstValue("Location").orElse("").endsWith("/console/"));
        Api.Reply page = api.send(api.request("console/"));
        assertEquals(200, page.status());
        String policy = page.header("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("script-src 'self'") && policy.contains("style-src 'self'")
                && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe"), policy);
        assertFalse(page.body().contains("<script>") || page.body().contains("style="), "no inline script or style");
    }

    @Test
    void aNewOfficerMustChooseAPasswordThenSeesTheirWorkAndSignsOut() throws Exception {
        Api.Session admin = StaffFixtures.admin(api);
        JsonObject created = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername("console-new"), "PERSON", Role.PRIVACY_OFFICER);
        String username = created.getJsonObject("user").getString("username");

        open("");
        heading("Sign in");
        checkPage("sign-in");
        type(By.name("username"), username);
        type(By.name("password"), created.getString("temporaryPassword"));
        browser.findElement(By.id("sign-in")).click();
        heading("Choose your password");
        type(By.name("currentPassword"), created.getString("temporaryPassword"));
        type(By.name("newPassword"), PASSWORD);
        type(By.name("repeat"), PASSWORD + "x");
        browser.findElement(By.id("change-password")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("f-repeat-error"), "differ"));
        checkPage("password-change");
        browser.findElement(By.name("repeat")).clear();
        type(By.name("repeat"), PASSWORD);
        browser.findElement(By.id("change-password")).click();
        heading("My work");
        checkPage("my-work-officer");
        browser.findElement(By.id("sign-out")).click();
        heading("Sign in to the Quaestor console");
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("signed out"));
    }

    @Test
    void keyboardOnlyAnOfficerFilesCompletesAndReviewsAnAccessRequest() throws Exception {
        String officer = officer("console-keys");
        signIn(officer);
        heading("My work");

        keyboardActivate(browser.findElement(By.linkText("File a request")));
        heading("File a request received by mail or phone");
        assertEquals("ACCESS", browser.findElement(By.name("type")).getDomProperty("value"), "the first type is the default");
        String email = "console." + UUID.randomUUID().toString().substring(0, 8) + "@subject.example";
        typeAfterTab(By.name("email"), email);
        typeAfterTab(By.name("details"), "Asked by letter for a copy of everything held.");
        typeAfterTab(By.name("evidence"), "Signed letter on file; signature matches the account.");
        checkPage("file-request");
        keyboardActivate(browser.findElement(By.id("file-submit")));
        String reference = heading("DSR-").split(" ")[0];

        keyboardActivate(browser.findElement(By.id("action-start")));
        WebElement reason = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open] textarea[name=reason]")));
        reason.sendKeys("Identity checked from the signed letter.");
        keyboardActivate(browser.findElement(By.cssSelector("dialog[open] button[type=submit]")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("clock-h"), "Status"));
        wait.until(d -> d.findElement(By.tagName("main")).getText().contains("in progress"));

        // Review before release: build the package, read its manifest and a table, then complete.
        keyboardActivate(wait.until(ExpectedConditions.elementToBeClickable(By.id("prepare-package"))));
        untilShown("section[aria-labelledby=package-h]", "Review before release");
        keyboardActivate(browser.findElement(By.id("show-manifest")));
        untilShown("#package-view", "Files of DSR-");
        keyboardActivate(browser.findElement(By.cssSelector("#package-view button.view-file")));
        untilShown("#package-view", "recorded in the audit trail as your read");
        checkPage("request-detail-package-review", "#package-view");

        keyboardActivate(browser.findElement(By.id("action-complete")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open] textarea[name=reason]")));
        keyboardActivate(browser.findElement(By.cssSelector("dialog[open] button[type=submit]")));
        wait.until(d -> d.findElement(By.tagName("main")).getText().contains("completed"));
        untilShown("section[aria-labelledby=package-h]:not([aria-busy])", "Links sent");
        assertFalse(reviewedFact().isEmpty() || reviewedFact().equals("not yet"), "the review is on record: " + reviewedFact());
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("message to the subject"), "the timeline shows the message");
        checkPage("request-detail-access-completed");

        open("#/requests?q=" + reference + "&open=all");
        heading("Requests");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText(reference)));
        checkPage("request-queue");
    }

    @Test
    void anOfficerCannotApproveTheirOwnRequestAndSeesWhyWhileASecondOfficerCan() throws Exception {
        String first = officer("console-asker");
        String second = officer("console-approver");
        Api.Session asker = StaffFixtures.signIn(api, first, PASSWORD);
        String id = fileAndStart(asker, "ERASURE");
        Api.Reply asked = api.post("api/dsar/requests/" + id + "/actions",
                "{\"action\":\"request-approval\",\"reason\":\"The subject holds an open invoice.\"}", asker);
        assertEquals(200, asked.status(), asked.body());

        signIn(first);
        heading("My work");
        open("#/requests/" + id);
        heading("DSR-");
        WebElement approve = browser.findElement(By.id("action-approve"));
        assertFalse(approve.isEnabled());
        assertEquals("The officer who asked for approval cannot give it.", browser.findElement(By.id("why-approve")).getText());
        assertEquals("why-approve", approve.getDomAttribute("aria-describedby"));
        checkPage("request-detail-refused-approval");
        open("#/approvals");
        heading("Approvals");
        checkPage("approvals-own");
        browser.findElement(By.id("sign-out")).click();
        heading("Sign in");

        signIn(second);
        heading("My work");
        open("#/approvals");
        heading("Approvals");
        browser.findElement(By.cssSelector("section[aria-labelledby=to-give] a[href='#/requests/" + id + "']")).click();
        heading("DSR-");
        assertTrue(browser.findElement(By.id("action-approve")).isEnabled());
        browser.findElement(By.id("action-approve")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open] textarea[name=reason]"))).sendKeys("Invoice settled.");
        browser.findElement(By.cssSelector("dialog[open] button[type=submit]")).click();
        wait.until(d -> d.findElement(By.tagName("main")).getText().contains("approve: awaiting approval → in progress"));
    }

    @Test
    void theQueueKeepsItsFiltersInTheUrlThroughReloadAndBack() throws Exception {
        String officer = officer("console-queue");
        Api.Session session = StaffFixtures.signIn(api, officer, PASSWORD);
        fileAndStart(session, "RECTIFICATION");
        signIn(officer);
        heading("My work");
        checkPage("my-work-with-counts");
        open("#/requests");
        heading("Requests");
        new Select(browser.findElement(By.name("type"))).selectByValue("RECTIFICATION");
        new Select(browser.findElement(By.name("status"))).selectByValue("IN_PROGRESS");
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("type=RECTIFICATION"));
        assertTrue(browser.getCurrentUrl().contains("status=IN_PROGRESS"), browser.getCurrentUrl());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("caption"), "type rectification"));

        browser.navigate().refresh();
        heading("Requests");
        assertEquals("RECTIFICATION", new Select(browser.findElement(By.name("type"))).getFirstSelectedOption().getDomAttribute("value"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("caption"), "status in progress"));
        browser.navigate().back();
        wait.until(d -> !d.getCurrentUrl().contains("type=RECTIFICATION"));
        heading("Requests");
        assertEquals("", new Select(browser.findElement(By.name("type"))).getFirstSelectedOption().getDomAttribute("value"));
    }

    @Test
    void anExpiredSessionReturnsTheOfficerToWhereTheyWereAfterSigningIn() throws Exception {
        String officer = officer("console-expiry");
        signIn(officer);
        heading("My work");
        open("#/metrics");
        heading("Privacy office metrics");
        checkPage("metrics");
        // The server ends the session (as idle expiry does); the console's next call meets a 401.
        String csrf = (String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('quaestor.csrf')");
        ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('../api/session', {method: 'DELETE', headers: {'X-CSRF-Token': arguments[0]}}).then(() => done())", csrf);
        open("#/holds");
        heading("Sign in to the Quaestor console");
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("session has ended"));
        type(By.name("username"), officer);
        type(By.name("password"), PASSWORD);
        browser.findElement(By.id("sign-in")).click();
        heading("Legal holds");
        assertTrue(browser.getCurrentUrl().endsWith("#/holds"), browser.getCurrentUrl());
    }

    @Test
    void legalHoldsAreCheckedAgainstTheMapPlacedAndReleased() throws Exception {
        String officer = officer("console-holds");
        signIn(officer);
        heading("My work");
        open("#/holds");
        heading("Legal holds");
        browser.findElement(By.id("place-hold")).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open]")));
        new Select(dialog.findElement(By.name("scope"))).selectByValue("ACCOUNT");
        dialog.findElement(By.name("scopeValue")).sendKeys("not-an-account-id");
        dialog.findElement(By.name("reason")).sendKeys("Litigation hold for the supplier dispute.");
        dialog.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> !d.findElement(By.id("f-scopeValue-error")).getText().isBlank());
        assertEquals("true", dialog.findElement(By.name("scopeValue")).getDomAttribute("aria-invalid"));
        checkPage("legal-hold-refused-value");
        WebElement value = dialog.findElement(By.name("scopeValue"));
        value.clear();
        new Select(dialog.findElement(By.name("scope"))).selectByValue("TENANT");
        String tenant = UUID.randomUUID().toString();
        value.sendKeys(tenant);
        dialog.findElement(By.name("matter")).sendKeys("Case 2026-114");
        dialog.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> d.findElement(By.tagName("main")).getText().contains(tenant));
        checkPage("legal-holds");
        browser.findElement(By.xpath("//tr[td/code[text()='" + tenant + "']]//button[text()='Release']")).click();
        WebElement release = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open]")));
        release.findElement(By.name("reason")).sendKeys("Dispute settled.");
        release.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> !d.findElement(By.tagName("main")).getText().contains(tenant));
    }

    @Test
    void anAdministratorManagesStaffTokensAndTheDataMap() throws Exception {
        StaffFixtures.admin(api);
        signIn("admin", StaffFixtures.ADMIN_PASSWORD);
        heading("My work");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("health")));
        checkPage("my-work-admin");

        open("#/admin/users");
        heading("Administration");
        browser.findElement(By.id("create-user")).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open]")));
        dialog.findElement(By.name("username")).sendKeys("Not Valid");
        dialog.findElement(By.name("displayName")).sendKeys("Ada Lovelace");
        dialog.findElement(By.cssSelector("input[value=AUDITOR]")).click();
        dialog.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> !d.findElement(By.id("f-username-error")).getText().isBlank());
        String username = StaffFixtures.uniqueUsername("ada");
        dialog.findElement(By.name("username")).clear();
        dialog.findElement(By.name("username")).sendKeys(username);
        dialog.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("one-time-secret")));
        assertFalse(secret.getText().isBlank());
        checkPage("admin-one-time-password");
        browser.findElement(By.cssSelector("dialog[open] button[type=submit]")).click();
        wait.until(d -> d.findElement(By.tagName("main")).getText().contains(username));
        checkPage("admin-users");

        open("#/admin/tokens");
        heading("Administration");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("issue-token")));
        checkPage("admin-tokens");
        open("#/admin/datamap");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("reload-map")));
        browser.findElement(By.id("reload-map")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reload-result"), "is active"));
        checkPage("admin-datamap");
        open("#/admin/retention");
        untilShown("main", "Nightly run starts");
        checkPage("admin-retention");
        open("#/admin/contacts");
        untilShown("main", "Breach clocks remind");
        checkPage("admin-contacts");
        open("#/api");
        heading("API reference");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("details.op")));
        checkPage("api-reference");
    }

    // ------------------------------------------------------------------ helpers

    /** A privacy officer with a chosen password (the temporary one replaced through the API). */
    @Test
    void anAuditorVerifiesAnEventInTheBrowserAndSeesATamperedOneFail() throws Exception {
        String auditor = person("console-auditor", Role.AUDITOR);
        long seq = Sql.quaestorLong("SELECT max(seq) FROM audit_event");
        Sql.awaitQuaestor("SELECT count(*) FROM audit_checkpoint WHERE tree_size > " + seq);
        signIn(auditor);
        heading("My work");
        open("#/trail?outcome=success");
        heading("Audit trail");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#trail tbody tr")));
        checkPage("audit-trail");

        open("#/trail/" + seq);
        heading("Audit event " + seq);
        WebElement key = browser.findElement(By.name("publicKey"));
        key.clear();
        key.sendKeys(AUDIT_PUBLIC_KEY);
        browser.findElement(By.id("verify")).click();
        untilShown("#verdict", "Verified");
        assertEquals(3, browser.findElements(By.cssSelector("#verification li.pass")).size(), "hash, inclusion and signature each shown");
        checkPage("audit-event-verified", "#verification");

        String original = Sql.quaestorString("SELECT outcome FROM audit_event WHERE seq = " + seq);
        tamper("UPDATE audit_event SET outcome = '" + ("denied".equals(original) ? "success" : "denied") + "' WHERE seq = " + seq);
        try {
            open("#/trail");
            heading("Audit trail");
            open("#/trail/" + seq);
            heading("Audit event " + seq);
            browser.findElement(By.id("verify")).click();
            untilShown("#verdict", "Tampered");
            checkPage("audit-event-tampered", "#verification");
        } finally {
            tamper("UPDATE audit_event SET outcome = '" + original + "' WHERE seq = " + seq);
        }

        open("#/integrity");
        heading("Trail integrity");
        browser.findElement(By.id("verify-trail")).click();
        untilShown("#trail-verification", "Intact");
        if (!browser.findElements(By.id("check-consistency")).isEmpty()) {
            browser.findElement(By.id("check-consistency")).click();
            untilShown("#consistency", "consistent; signature valid");
            assertFalse(browser.findElement(By.id("consistency")).getText().contains("NOT consistent"));
        }
        checkPage("audit-integrity");

        open("#/access?tab=review");
        heading("Operator access");
        untilShown("#tab-body", "Flags for");
        checkPage("access-daily-review");
    }

    @Test
    void keyboardOnlyAResponderTakesAnIncidentFromFilingToClosing() throws Exception {
        String responder = person("console-responder", Role.INCIDENT_RESPONDER);
        signIn(responder);
        heading("My work");
        keyboardActivate(browser.findElement(By.linkText("Incidents")));
        heading("Incidents");
        checkPage("incidents");
        keyboardActivate(browser.findElement(By.id("report-incident")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open] input[name=title]")));
        typeAfterTab(By.cssSelector("dialog[open] input[name=title]"), "Misdirected invoice export");
        typeAfterTab(By.cssSelector("dialog[open] textarea[name=description]"), "An invoice export went to the wrong tenant's contact.");
        typeAfterTab(By.cssSelector("dialog[open] select[name=severity]"), "low");
        keyboardActivate(browser.findElement(By.cssSelector("dialog[open] button[type=submit]")));
        String reference = heading("INC-").split(" ")[0];

        keyboardActivate(browser.findElement(By.id("decide-awareness")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open] input[name=awareAt]")));
        keyboardActivate(browser.findElement(By.cssSelector("dialog[open] button[type=submit]")));
        untilShown("#clocks-h + ul", "left");
        checkPage("incident-room");

        for (int i = 0; i < 10 && !browser.findElements(By.cssSelector("button.meet")).isEmpty(); i++) {
            keyboardActivate(browser.findElement(By.cssSelector("button.meet")));
            typeAfterTab(By.cssSelector("dialog[open] textarea[name=text]"), "Sent by email; reference " + reference + "-" + i + ".");
            keyboardActivate(browser.findElement(By.cssSelector("dialog[open] button[type=submit]")));
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog[open]")));
            heading(reference);
        }
        assertTrue(browser.findElements(By.cssSelector("button.meet")).isEmpty(), "every obligation met");

        keyboardActivate(browser.findElement(By.id("move-status")));
        typeAfterTab(By.cssSelector("dialog[open] select[name=status]"), "closed");
        keyboardActivate(browser.findElement(By.cssSelector("dialog[open] button[type=submit]")));
        untilShown("main .page-head", "closed");
        checkPage("incident-closed");
    }

    @Test
    void aResponderScopesAnIncidentPreviewsTheNoticeAndReportsToTheAuthority() throws Exception {
        String responder = person("console-notifier", Role.INCIDENT_RESPONDER);
        Api.Session session = StaffFixtures.signIn(api, responder, PASSWORD);
        String now = java.time.Instant.now().minusSeconds(600).toString();
        Api.Reply reported = api.post("api/incidents", "{\"title\":\"Exposed usage export\",\"description\":\"A usage export link was public.\","
                + "\"type\":\"CONFIDENTIALITY\",\"severity\":\"MEDIUM\",\"occurredAt\":\"" + now + "\",\"detectedAt\":\"" + now
                + "\",\"awareAt\":\"" + now + "\"}", session);
        assertEquals(201, reported.status(), reported.body());
        String id = reported.json().getString("id");
        signIn(responder);
        heading("My work");

        open("#/incidents/" + id + "?tab=scope");
        heading("INC-");
        browser.findElement(By.cssSelector("#scope-form input[name=everyone]")).click();
        browser.findElement(By.cssSelector("#scope-form button[type=submit]")).click();
        untilShown("#tab-body table", "Download the accounts");
        checkPage("incident-scope", "#tab-body");

        open("#/incidents/" + id + "?tab=notices");
        heading("INC-");
        type(By.name("whatHappened"), "A link to a usage export was reachable without signing in for two hours.");
        type(By.name("remediation"), "The link was revoked and the export deleted.");
        type(By.cssSelector("#notice-form textarea[name=prevention]"), "Export links now expire and need a signed-in session.");
        browser.findElement(By.id("preview-notice")).click();
        untilShown("#notice-preview", "Subject:");
        assertTrue(browser.findElement(By.id("notice-preview")).getText().contains("reachable without signing in"), "the fields are in the notice");
        checkPage("incident-notice-preview", "#notice-preview");
        browser.findElement(By.id("start-notices")).click();
        untilShown("#tab-body table", "of");

        open("#/incidents/" + id + "?tab=reports");
        heading("INC-");
        type(By.name("nature"), "Confidentiality: a usage export reachable by link.");
        type(By.name("likelyConsequences"), "Usage figures of one tenant's users could be read.");
        type(By.name("measuresTaken"), "Link revoked, export deleted, access logs reviewed.");
        type(By.name("measuresProposed"), "Expiring links behind sign-in.");
        browser.findElement(By.id("preview-report")).click();
        untilShown("#announcer", "nothing was recorded");
        assertEquals(0, Sql.quaestorLong("SELECT count(*) FROM authority_report WHERE incident_id = '" + id + "'"), "a preview records nothing");
        HttpResponse<byte[]> preview = api.bytes(session.apply(api.request("api/incidents/" + id + "/notification/authority-reports/preview")
                .setHeader("Accept", "application/pdf").setHeader("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"phase\":\"INITIAL\",\"nature\":\"n\",\"likelyConsequences\":\"c\","
                        + "\"measuresTaken\":\"t\",\"measuresProposed\":\"p\"}")), true));
        assertEquals(200, preview.statusCode());
        assertEquals("%PDF", new String(preview.body(), 0, 4, StandardCharsets.US_ASCII), "the preview is the PDF");
        browser.findElement(By.cssSelector("#report-form button[type=submit]")).click();
        untilShown("#tab-body table", "initial");
        checkPage("incident-reports");
    }

    @Test
    void anOfficerPublishesADocumentThatDataSubjectsThenRead() throws Exception {
        Api.Session admin = StaffFixtures.admin(api);
        Api.Reply purge = api.post("api/retention/runs", "{\"dryRun\":false}", admin);
        assertEquals(202, purge.status(), purge.body());
        Sql.awaitQuaestor("SELECT count(*) FROM retention_run WHERE id = '" + purge.json().getString("id") + "' AND state = 'COMPLETED'");
        signIn(officer("console-documents"));
        heading("My work");
        open("#/documents?kind=sub-processors");
        heading("Documents");
        untilShown("#conformance-h", "keeps every published promise");
        browser.findElement(By.id("publish")).click();
        browser.findElement(By.cssSelector("dialog[open] button[type=submit]")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog[open]")));
        untilShown("#versions-h + div table", "First version.");
        assertFalse(browser.findElement(By.id("publish")).isEnabled(), "nothing left to publish");
        checkPage("documents");

        Path map = Path.of(System.getProperty("quaestor.it.datamap"));
        String shipped = Files.readString(map);
        try {
            Files.writeString(map, shipped.replace("{ \"name\": \"Stripe\"", "{ \"name\": \"Acme Analytics\", \"kind\": \"other\", "
                    + "\"categories\": [\"technical-metadata\"], \"transfer\": \"standard contractual clauses\" },\n    { \"name\": \"Stripe\""));
            assertEquals(200, api.post("api/datamap/reload", "", admin).status());
            open("#/documents?kind=sub-processors&language=en&again=1");
            untilShown("#changes", "new Acme Analytics");
            browser.findElement(By.id("publish")).click();
            untilShown("dialog[open]", "a second privacy officer approves it");
            browser.findElement(By.cssSelector("dialog[open] button[type=submit]")).click();
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog[open]")));
            untilShown("#versions-h + div table", "awaiting approval");
            untilShown("#versions-h + div table .why", "a second privacy officer approves");
            untilShown("#why-publish", "awaits a second privacy officer's approval");
            checkPage("documents-proposed", "#versions-h");
            browser.findElements(By.cssSelector("#versions-h + div table button")).stream().filter(b -> b.getText().equals("Withdraw"))
                    .findFirst().orElseThrow().click();
            browser.findElement(By.cssSelector("dialog[open] button[type=submit]")).click();
            untilShown("#versions-h + div table", "withdrawn");
        } finally {
            Files.writeString(map, shipped);
            assertEquals(200, api.post("api/datamap/reload", "", admin).status());
        }

        browser.get(consoleBase().replace("/console/", "/privacy/") + "documents.html#sub-processors");
        wait.until(d -> d.getTitle().startsWith("Sub-processors"));
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("Stripe"), "the map's recipients, as published");
        checkPage("public-sub-processors");

        browser.findElement(By.linkText("Get an email before this document changes materially")).click();
        wait.until(d -> d.getTitle().startsWith("Notices of changes"));
        type(By.id("email"), "not an address");
        browser.findElement(By.cssSelector("#subscribe button[type=submit]")).click();
        untilShown("#email-error", "not an email address");
        assertEquals("true", browser.findElement(By.id("email")).getAttribute("aria-invalid"));
        browser.findElement(By.id("email")).clear();
        type(By.id("email"), "reader@example.org");
        browser.findElement(By.cssSelector("#subscribe button[type=submit]")).click();
        untilShown("#outcome", "confirmation link is on its way");
        checkPage("public-subscribe");
        browser.get(consoleBase().replace("/console/", "/privacy/") + "subscribe.html#confirm=forged.token");
        untilShown("#outcome", "not valid");
    }

    @Test
    void anAdministratorFollowsADryRunToItsRecord() throws Exception {
        signInAsAdmin();
        open("#/retention");
        heading("Retention runs");
        checkPage("retention-runs");
        browser.findElement(By.id("start-dry-run")).click();
        heading("Dry run");
        untilShown("main .page-head", "completed");
        untilShown("#run-record", "SHA-256");
        checkPage("retention-run");
    }

    @Test
    void anOperatorAsksForBreakGlassAccessAndSeesEveryRefusalsReason() throws Exception {
        String operator = person("console-operator", Role.OPERATOR);
        signIn(operator);
        heading("My work");
        open("#/access/mine");
        heading("My access");
        type(By.name("reference"), "INC-4711");
        type(By.name("tenant"), "acme");
        type(By.name("categories"), "no-such-category");
        browser.findElement(By.id("f-breakGlass")).click();
        assertTrue(browser.findElement(By.id("break-glass-warning")).isDisplayed(), "break-glass shows its warning");
        browser.findElement(By.cssSelector("#ask-grant button[type=submit]")).click();
        untilShown("#f-categories-error", "Known:");
        checkPage("operator-refused");
        WebElement categories = browser.findElement(By.name("categories"));
        categories.clear();
        categories.sendKeys("account");
        browser.findElement(By.cssSelector("#ask-grant button[type=submit]")).click();
        untilShown("#lookup", "Under grant");
        untilShown("main", "left");
        type(By.name("value"), "nobody." + UUID.randomUUID().toString().substring(0, 8) + "@subject.example");
        browser.findElement(By.cssSelector("#lookup button[type=submit]")).click();
        untilShown("#lookup-results", "recorded in the trail");
        checkPage("operator-access", "#lookup");

        // A sensitive category waits for a second person, who decides from Operator access.
        type(By.cssSelector("#ask-grant input[name=reference]"), "SUP-2024");
        type(By.cssSelector("#ask-grant input[name=tenant]"), "acme");
        type(By.cssSelector("#ask-grant input[name=categories]"), "billing");
        browser.findElement(By.cssSelector("#ask-grant button[type=submit]")).click();
        untilShown("main", "pending");
        browser.findElement(By.id("sign-out")).click();
        heading("Sign in");
        signIn(officer("console-grant-approver"));
        heading("My work");
        open("#/access?tab=approvals");
        heading("Operator access");
        untilShown("#tab-body", "SUP-2024");
        checkPage("access-approvals");
        browser.findElement(By.xpath("//tr[contains(., 'SUP-2024')]//button[.='Decide']")).click();
        type(By.cssSelector("dialog[open] textarea[name=note]"), "Billing dispute SUP-2024 needs the invoices.");
        browser.findElement(By.cssSelector("dialog[open] button[type=submit]")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog[open]")));
        open("#/access?tab=grants&status=ACTIVE");
        heading("Operator access");
        untilShown("#tab-body", "SUP-2024");
    }

    private void signInAsAdmin() throws Exception {
        StaffFixtures.admin(api);
        signIn("admin", StaffFixtures.ADMIN_PASSWORD);
        heading("My work");
    }

    private static void tamper(String sql) throws Exception {
        try (java.sql.Connection c = io.quaestor.testing.TestDatabase.superuser("quaestor"); java.sql.Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute(sql);
        }
    }

    private String officer(String stem) {
        return person(stem, Role.PRIVACY_OFFICER);
    }

    /** A person with these roles who has chosen PASSWORD. */
    private String person(String stem, Role... roles) {
        Api.Session admin = StaffFixtures.admin(api);
        JsonObject created = StaffFixtures.createUser(api, admin, StaffFixtures.uniqueUsername(stem), "PERSON", roles);
        String username = created.getJsonObject("user").getString("username");
        Api.Session first = StaffFixtures.signIn(api, username, created.getString("temporaryPassword"));
        Api.Reply changed = api.put("api/me/password", "{\"currentPassword\":\"" + created.getString("temporaryPassword")
                + "\",\"newPassword\":\"" + PASSWORD + "\"}", first);
        assertEquals(204, changed.status(), changed.body());
        return username;
    }

    private String fileAndStart(Api.Session officer, String type) {
        String email = "console." + UUID.randomUUID().toString().substring(0, 8) + "@subject.example";
        Api.Reply filed = api.post("api/dsar/requests", "{\"type\":\"" + type + "\",\"email\":\"" + email
                + "\",\"region\":\"EU\",\"receivedAt\":\"" + Instant.now().minus(2, ChronoUnit.DAYS)
                + "\",\"evidence\":\"Passport seen at the front desk.\"}", officer);
        assertEquals(201, filed.status(), filed.body());
        String id = filed.json().getString("id");
        Api.Reply started = api.post("api/dsar/requests/" + id + "/actions", "{\"action\":\"start\"}", officer);
        assertEquals(200, started.status(), started.body());
        return id;
    }

    private void signIn(String username) {
        signIn(username, PASSWORD);
    }

    private void signIn(String username, String password) {
        open("");
        heading("Sign in");
        type(By.name("username"), username);
        type(By.name("password"), password);
        browser.findElement(By.id("sign-in")).click();
    }

    private void open(String fragment) {
        browser.get(consoleBase() + fragment);
    }

    /**
     * The console on localhost: Payara Micro reports its network address, where a browser drops the
     * Secure session cookie on plain http (localhost is the one trustworthy http origin).
     */
    private String consoleBase() {
        return deployment.getProtocol() + "://localhost:" + deployment.getPort() + deployment.getPath() + "console/";
    }

    private void type(By field, String text) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(field)).sendKeys(text);
    }

    /** Waits for the screen whose h1 starts with this text, rendered and idle; answers the h1. */
    private String heading(String start) {
        try {
            // One script, so a re-render between two driver calls cannot leave a stale element.
            wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                    "const h = document.querySelector('main h1'), m = document.querySelector('main');"
                    + "return !!h && !m.hasAttribute('aria-busy') && h.innerText.trim().startsWith(arguments[0]);", start));
        } catch (TimeoutException e) {
            throw new AssertionError("no screen headed '" + start + "' at " + browser.getCurrentUrl() + "; the page shows: "
                    + browser.findElement(By.tagName("body")).getText() + "; browser log: " + browserLog(), e);
        }
        return browser.findElement(By.cssSelector("main h1")).getText();
    }

    /** Waits until the element the selector finds shows this text (re-found on each try: screens re-render). */
    private void untilShown(String selector, String text) {
        try {
            wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                    "const e = document.querySelector(arguments[0]); return !!e && e.innerText.includes(arguments[1]);", selector, text));
        } catch (TimeoutException e) {
            throw new AssertionError("'" + text + "' not shown in " + selector + "; the page shows: "
                    + browser.findElement(By.tagName("main")).getText() + "; an open dialog shows: " + ((JavascriptExecutor) browser)
                    .executeScript("const d = document.querySelector('dialog[open]'); return d ? d.innerText : 'none';"), e);
        }
    }

    private String reviewedFact() {
        return (String) ((JavascriptExecutor) browser).executeScript("const dt = [...document.querySelectorAll("
                + "'section[aria-labelledby=package-h] dt')].find(e => e.textContent === 'Reviewed');"
                + "return dt ? dt.nextElementSibling.innerText.trim() : '';");
    }

    private List<String> browserLog() {
        List<String> lines = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            lines.add(entry.getLevel() + " " + entry.getMessage());
        }
        return lines;
    }

    /** Tabs from where the focus is until this element has it, then presses Enter: no mouse. */
    private void keyboardActivate(WebElement target) {
        tabTo(target);
        new Actions(browser).sendKeys(Keys.ENTER).perform();
    }

    private void typeAfterTab(By field, String text) {
        WebElement element = browser.findElement(field);
        tabTo(element);
        new Actions(browser).sendKeys(text).perform();
    }

    private void tabTo(WebElement target) {
        for (int i = 0; i < 120; i++) {
            if (target.equals(browser.switchTo().activeElement())) {
                return;
            }
            new Actions(browser).sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("not reachable by Tab: " + target.getTagName() + " " + target.getText());
    }

    /** axe-core's WCAG 2.2 AA rules on the screen as it is now, then a screenshot for docs/console.md. */
    @SuppressWarnings("unchecked")
    private void checkPage(String name) throws IOException {
        checkPage(name, null);
    }

    /** As checkPage, with the screenshot showing this part of the screen. */
    private void checkPage(String name, String shown) throws IOException {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        if (shown != null) {
            js.executeScript("document.querySelector(arguments[0]).scrollIntoView({block: 'center'})", shown);
        }
        if (!(Boolean) js.executeScript("return typeof window.axe !== 'undefined'")) {
            js.executeScript(axe);
        }
        Object result = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
                + ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                + " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
                + ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]))");
        List<String> serious = new ArrayList<>();
        for (Map<String, Object> violation : (List<Map<String, Object>>) result) {
            if ("serious".equals(violation.get("impact")) || "critical".equals(violation.get("impact"))) {
                serious.add(violation.get("id") + " (" + violation.get("impact") + "): " + violation.get("help") + " at " + violation.get("nodes"));
            }
        }
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertTrue(serious.isEmpty(), name + ": " + String.join("; ", serious));
    }

    private void assertNoCspViolation() {
        List<String> violations = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            if (entry.getMessage().contains("Content Security Policy") || entry.getMessage().contains("Content-Security-Policy")) {
                violations.add(entry.getMessage());
            }
        }
        assertTrue(violations.isEmpty(), "CSP violations: " + violations);
    }
}
