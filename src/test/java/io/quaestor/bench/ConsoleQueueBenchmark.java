package io.quaestor.bench;

import io.quaestor.launcher.EmbeddedDatabase;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The request queue in the console, in headless Chromium, with 100,000 requests: how long until
 * the first page is on screen and usable after a fresh load, and after a filter change, from the
 * browser's own clock (navigation start, the console's "view rendered" mark, and the resource
 * timing of the API call inside). Baselines from the same run: the API call as the browser timed
 * it, and the query the server runs over raw JDBC.
 */
final class ConsoleQueueBenchmark implements Benchmark {

    private static final int LOADS = 9;
    private static final int CHANGES = 20;
    private static final String PASSWORD = "Steady-Harbour-Lantern-58";
    private static final String COLUMNS = "SELECT id, reference, type, status, channel, regime, received_at, coalesce(extended_due_at, due_at), "
            + "assignee_id, extended_due_at IS NOT NULL, verified_at IS NOT NULL, closed_at, "
            + "CASE WHEN r.status = 'AWAITING_APPROVAL' THEN (SELECT e.actor FROM dsar_request_event e WHERE e.request_id = r.id "
            + "AND (e.action = 'start' OR (e.action = 'request-approval' AND e.actor <> 'quaestor')) ORDER BY e.id DESC LIMIT 1) END, "
            + "CASE WHEN r.status = 'AWAITING_APPROVAL' THEN (SELECT e.reason FROM dsar_request_event e WHERE e.request_id = r.id "
            + "AND e.action = 'request-approval' ORDER BY e.id DESC LIMIT 1) END FROM dsar_request r WHERE true";
    private static final String ORDER = " ORDER BY coalesce(extended_due_at, due_at) ASC, id ASC LIMIT 51";

    /** Waits for the next "view rendered" mark of a route after the given one; answers [ms to it, ms of its API call]. */
    private static final String NEXT_RENDER = """
            const [after, since, route, call, done] = [arguments[0], arguments[1], arguments[2], arguments[3], arguments[arguments.length - 1]];
            const poll = () => {
              const marks = performance.getEntriesByName('quaestor:view-rendered').filter((m) => m.detail === route);
              if (marks.length > after) {
                const api = performance.getEntriesByType('resource').filter((e) => e.name.includes(call)).pop();
                done([marks[marks.length - 1].startTime - since, api ? api.duration : -1]);
              } else setTimeout(poll, 2);
            };
            poll();""";

    @Override
    public String name() {
        return "console-queue";
    }

    @Override
    public String description() {
        return String.format("%,d requests in dsar_request (as dsar-search). Headless Chromium signed in as a privacy officer opens "
                + "the console's request queue (open requests, nearest deadline first, 50 a page) %d times from a fresh page load, "
                + "then changes the filter %d times (open erasures in progress, back to all open). Measured in the browser: "
                + "navigation start (or the filter change) to the console's 'view rendered' mark, and the queue's API call "
                + "(resource timing). Baseline: the server's query over raw JDBC. Targets: first page < 1 s, filter change < 300 ms.",
                DsarSearchBenchmark.REQUESTS, LOADS, CHANGES);
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        DsarSearchBenchmark.fill(stack);
        BenchStaff.createPerson(stack, "bench-console", PASSWORD, "PRIVACY_OFFICER");
        String console = "http://localhost:" + stack.base.getPort() + "/console/";
        WebDriver browser = chromium();
        try {
            signIn(browser, console, "bench-console", PASSWORD);
            JavascriptExecutor js = (JavascriptExecutor) browser;
            double[][] loads = new double[LOADS][];
            for (int i = 0; i < LOADS; i++) {
                browser.get("about:blank");
                browser.get(console + "#/requests");
                loads[i] = measure(js, 0, 0, "/requests", "/api/dsar/requests?");
            }
            double[][] changes = new double[CHANGES][];
            String[] filters = {"#/requests?status=IN_PROGRESS&type=ERASURE", "#/requests"};
            for (int i = 0; i < CHANGES; i++) {
                changes[i] = change(js, filters[i % 2], "/requests", "/api/dsar/requests?");
            }
            double rawFirst = rawMillis(stack, COLUMNS + " AND closed_at IS NULL" + ORDER);
            double rawFilter = rawMillis(stack, COLUMNS + " AND status = 'IN_PROGRESS' AND type = 'ERASURE' AND closed_at IS NULL" + ORDER);
            return List.of(
                    figure("first page on screen after a fresh load: median / max ms (target < 1000)", loads, rawFirst),
                    figure("filter change to the new page on screen: median / max ms (target < 300)", changes, rawFilter));
        } finally {
            browser.quit();
        }
    }

    /** Changes the hash (a filter change) and measures until the route's next render. */
    static double[] change(JavascriptExecutor js, String hash, String route, String call) {
        long count = (Long) js.executeScript("return performance.getEntriesByName('quaestor:view-rendered')"
                + ".filter((m) => m.detail === arguments[0]).length", route);
        double since = ((Number) js.executeScript("const t = performance.now(); location.hash = arguments[0]; return t;", hash)).doubleValue();
        return measure(js, count, since, route, call);
    }

    static Figure figure(String what, double[][] samples, double rawMillis) {
        double[] total = Arrays.stream(samples).mapToDouble(s -> s[0]).sorted().toArray();
        double[] api = Arrays.stream(samples).mapToDouble(s -> s[1]).sorted().toArray();
        return new Figure(what, String.format("%.0f / %.0f", total[total.length / 2], total[total.length - 1]),
                String.format("API call %.1f ms; raw SQL %.2f ms (medians)", api[api.length / 2], rawMillis),
                String.format("%.1fx the API call", total[total.length / 2] / api[api.length / 2]));
    }

    static double[] measure(JavascriptExecutor js, long after, double since, String route, String call) {
        List<?> result = (List<?>) js.executeAsyncScript(NEXT_RENDER, after, since, route, call);
        return new double[] {((Number) result.get(0)).doubleValue(), ((Number) result.get(1)).doubleValue()};
    }

    static void signIn(WebDriver browser, String console, String username, String password) {
        browser.get(console);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> !d.findElements(By.name("username")).isEmpty());
        browser.findElement(By.name("username")).sendKeys(username);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
        wait.until(d -> !d.findElements(By.id("sign-out")).isEmpty());
    }

    /** The median of 50 runs of the server's query over raw JDBC, after 10 to warm up. */
    static double rawMillis(BenchStack stack, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(stack.database.jdbcUrl(EmbeddedDatabase.QUAESTOR_DB),
                EmbeddedDatabase.QUAESTOR_RUNTIME, "bench-runtime-password-001");
             PreparedStatement s = c.prepareStatement(sql)) {
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                long began = System.nanoTime();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rs.getObject(1);
                    }
                }
                if (i >= 10) {
                    times.add((System.nanoTime() - began) / 1e6);
                }
            }
            times.sort(null);
            return times.get(times.size() / 2);
        }
    }

    static WebDriver chromium() throws Exception {
        WebDriver browser = io.quaestor.testing.HeadlessChromium.start();
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return browser;
    }
}
