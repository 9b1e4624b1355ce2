package io.quaestor.dsar;

import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.HeadlessChromium;
import io.quaestor.testing.TestDatabase;
import io.quaestor.testing.TestSmtp;
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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public request page in headless Chromium (Debian's chromium and chromium-driver, installed
 * by .ci/run): a subject files a request, reads the code from the email, confirms it; a bad
 * address is named on the page and nothing is stored.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PortalIT {

    private static TestSmtp smtp;

    @ArquillianResource
    URL deployment;

    WebDriver browser;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @BeforeAll
    static void smtp() {
        smtp = TestSmtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @BeforeEach
    void browser() throws Exception {
        browser = HeadlessChromium.start();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aSubjectFilesARequestAndConfirmsItWithTheEmailedCode() throws Exception {
        String email = "portal." + UUID.randomUUID().toString().substring(0, 8) + "@subject.example";
        browser.get(deployment + "privacy/index.html");
        new Select(browser.findElement(By.id("type"))).selectByValue("ACCESS");
        browser.findElement(By.id("email")).sendKeys(email);
        new Select(browser.findElement(By.id("region"))).selectByValue("EU");
        browser.findElement(By.id("submit")).click();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        String reference = browser.findElement(By.id("reference")).getText();
        assertTrue(reference.startsWith("DSR-"), reference);
        assertTrue(browser.findElement(By.id("content-note")).isDisplayed(), "says prompt content is not held");

        browser.findElement(By.id("code")).sendKeys(code(email));
        browser.findElement(By.id("confirm-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("done")));
        assertEquals(reference, browser.findElement(By.id("done-reference")).getText());
        assertEquals("VERIFIED", status(reference));
    }

    @Test
    void aMalformedAddressIsNamedOnThePageAndNothingIsStored() throws Exception {
        long before = count();
        browser.get(deployment + "privacy/index.html");
        browser.findElement(By.id("email")).sendKeys("not an address");
        browser.findElement(By.id("submit")).click();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("email-error"), "not an email address"));
        assertFalse(browser.findElement(By.id("confirm")).isDisplayed());
        assertEquals(before, count());
        Api.Reply page = new Api(deployment).send(new Api(deployment).request("privacy/index.html").GET());
        assertTrue(page.header("Content-Security-Policy").orElse("").contains("default-src 'self'"));
    }

    private static String code(String email) throws Exception {
        Matcher m = Pattern.compile("\\b(\\d{8})\\b").matcher(smtp.awaitBody(email, "Confirm your privacy request"));
        assertTrue(m.find(), "an 8-digit code in the email");
        return m.group(1);
    }

    private static String status(String reference) throws Exception {
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status FROM dsar_request WHERE reference = '" + reference + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count() throws Exception {
        try (Connection c = TestDatabase.superuser("quaestor"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM dsar_request")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
