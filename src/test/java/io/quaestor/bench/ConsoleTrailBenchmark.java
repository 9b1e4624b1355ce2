package io.quaestor.bench;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import java.util.List;

/**
 * The auditor's trail search in the console, in headless Chromium, over a trail of a million
 * events: the first page after a fresh load, and a filter change (one operator's reads), timed by
 * the browser as in console-queue. Baselines: the API call as the browser timed it, and the
 * server's query over raw JDBC.
 */
final class ConsoleTrailBenchmark implements Benchmark {

    private static final int LOADS = 9;
    private static final int CHANGES = 20;
    private static final String PASSWORD = "Quiet-Ledger-Compass-91";
    private static final String SELECT = "SELECT seq, event_id, occurred_at, recorded_at, actor, actor_role, authentication_method, "
            + "break_glass, action, resource_type, resource_id, tenant, justification_code, justification_reference, grant_id, "
            + "approval_id, outcome, origin, request_id, details, leaf_hash FROM audit_event WHERE seq > -1 AND payload_removed_at IS NULL";
    private static final String OPERATOR = java.util.UUID.nameUUIDFromBytes("op7".getBytes()).toString();

    @Override
    public String name() {
        return "console-trail";
    }

    @Override
    public String description() {
        return "A trail of at least 1,000,000 events (as trail-verification). Headless Chromium signed in as an auditor opens the "
                + "console's trail search (50 a page, sequence order) " + LOADS + " times from a fresh page load, then changes the "
                + "filter " + CHANGES + " times (one operator's events, back to all). Timed in the browser from navigation start or "
                + "the filter change to the console's 'view rendered' mark; the API call from resource timing. Baseline: the "
                + "server's query over raw JDBC. Target: first page < 1 s.";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        TrailVerificationBenchmark.fill(stack);
        TrailVerificationBenchmark.awaitSealed(stack);
        BenchStaff.createPerson(stack, "bench-auditor", PASSWORD, "AUDITOR");
        String console = "http://localhost:" + stack.base.getPort() + "/console/";
        WebDriver browser = ConsoleQueueBenchmark.chromium();
        try {
            ConsoleQueueBenchmark.signIn(browser, console, "bench-auditor", PASSWORD);
            JavascriptExecutor js = (JavascriptExecutor) browser;
            double[][] loads = new double[LOADS][];
            for (int i = 0; i < LOADS; i++) {
                browser.get("about:blank");
                browser.get(console + "#/trail");
                loads[i] = ConsoleQueueBenchmark.measure(js, 0, 0, "/trail", "/api/audit/events?");
            }
            double[][] changes = new double[CHANGES][];
            String[] filters = {"#/trail?actor=" + OPERATOR, "#/trail"};
            for (int i = 0; i < CHANGES; i++) {
                changes[i] = ConsoleQueueBenchmark.change(js, filters[i % 2], "/trail", "/api/audit/events?");
            }
            return List.of(
                    ConsoleQueueBenchmark.figure("trail search, first page on screen after a fresh load: median / max ms (target < 1000)",
                            loads, ConsoleQueueBenchmark.rawMillis(stack, SELECT + " ORDER BY seq LIMIT 51")),
                    ConsoleQueueBenchmark.figure("trail search, filter change (one operator) to the new page: median / max ms", changes,
                            ConsoleQueueBenchmark.rawMillis(stack, SELECT + " AND actor = '" + OPERATOR + "' ORDER BY seq LIMIT 51")));
        } finally {
            browser.quit();
        }
    }
}
