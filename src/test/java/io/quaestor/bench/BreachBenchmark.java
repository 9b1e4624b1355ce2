package io.quaestor.bench;

import io.quaestor.breach.control.BreachScope;
import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Breach clocks and scope. Deadlines: 10,000 pending breach obligations whose deadlines fall in a
 * 100-second window (100 a second), each with its durable timer, fired by the running Payara
 * Micro (one instance, polling every second): each firing marks the obligation missed, writes
 * the timeline, tells the responders and queues the escalations, in one transaction. Lateness is
 * fired_at minus the deadline. Scope: the scope of five tenants over 30 days on 10 million
 * metadata rows (counts per table, subjects, and the streamed account list) against the
 * equivalent hand-written SQL in the same run.
 */
final class BreachBenchmark implements Benchmark {

    private static final int DEADLINES = 10_000;
    private static final Duration WINDOW = Duration.ofSeconds(100);

    @Override
    public String name() {
        return "breach";
    }

    @Override
    public String description() {
        return "Deadlines: 10,000 pending breach obligations (one incident each) with durable timers due over 100 s (100/s), fired by "
                + "one Payara Micro polling every second; each firing marks the obligation missed, writes the timeline, notifies and "
                + "queues escalations in one transaction. Lateness = fired_at − deadline. Target: p99 ≤ 2 s. Scope: five tenants, the "
                + "last 30 days, category technical-metadata, on 10,000,000 metadata rows (5,000 accounts, 50 tenants, 120 days): "
                + "io.quaestor.breach.control.BreachScope (counts, subjects, then the account list in pages of 5,000) against "
                + "hand-written SQL (count and count DISTINCT by organization_id and time; SELECT DISTINCT account_id), each run twice, "
                + "the second (warm) run reported; then the same for every tenant over all 120 days (all 10,000,000 rows).";
    }

    @Override
    public List<Figure> run(BenchStack stack) throws Exception {
        List<Figure> figures = new ArrayList<>(deadlines(stack));
        figures.addAll(scope(stack));
        return figures;
    }

    private List<Figure> deadlines(BenchStack stack) throws Exception {
        PGSimpleDataSource quaestor = stack.quaestorOwner();
        Instant first = Instant.now().plusSeconds(40).truncatedTo(ChronoUnit.SECONDS);
        try (Connection c = quaestor.getConnection(); Statement s = c.createStatement()) {
            String staff;
            try (ResultSet rs = s.executeQuery("SELECT id::text FROM staff_user ORDER BY created_at LIMIT 1")) {
                rs.next();
                staff = rs.getString(1);
            }
            long windowMs = WINDOW.toMillis();
            s.execute("CREATE TEMP TABLE bench_deadline AS SELECT gen_random_uuid() AS incident, gen_random_uuid() AS obligation, "
                    + "timestamptz '" + first + "' + (g * " + windowMs + " / " + DEADLINES + ") * interval '1 millisecond' AS due, g "
                    + "FROM generate_series(0, " + (DEADLINES - 1) + ") g");
            s.execute("INSERT INTO incident (id, reference, title, description, type, severity, status, reported_by, owner_id, occurred_at, "
                    + "detected_at, rule_set_version, created_at) SELECT incident, 'BENCH-' || g, 'Benchmark deadline ' || g, 'bench', "
                    + "'AVAILABILITY', 'LOW', 'OPEN', '" + staff + "', '" + staff + "', due - interval '25 hours', due - interval '24 hours', "
                    + "'bench', now() FROM bench_deadline");
            s.execute("INSERT INTO obligation (id, incident_id, code, regime, recipient, kind, due_at, status) SELECT obligation, incident, "
                    + "'users-24h', 'Gateway promise', 'Affected users', 'notify', due, 'PENDING' FROM bench_deadline");
            s.execute("INSERT INTO deadline_timer (id, kind, ref_id, fire_at, created_at) SELECT gen_random_uuid(), 'BREACH_OBLIGATION', "
                    + "obligation, due, now() FROM bench_deadline");
            s.execute("ANALYZE deadline_timer");
        }
        Instant last = first.plus(WINDOW);
        Instant giveUp = last.plus(Duration.ofMinutes(5));
        long fired = 0;
        while (Instant.now().isBefore(giveUp)) {
            fired = scalar(quaestor, "SELECT count(*) FROM deadline_timer t JOIN obligation o ON o.id = t.ref_id AND t.fire_at = o.due_at "
                    + "WHERE o.regime = 'Gateway promise' AND o.incident_id IN (SELECT id FROM incident WHERE rule_set_version = 'bench') "
                    + "AND t.fired_at IS NOT NULL");
            if (fired == DEADLINES) {
                break;
            }
            Thread.sleep(1_000);
        }
        String lateness = "SELECT percentile_cont(?) WITHIN GROUP (ORDER BY extract(epoch FROM t.fired_at - t.fire_at)) FROM deadline_timer t "
                + "JOIN obligation o ON o.id = t.ref_id AND t.fire_at = o.due_at JOIN incident i ON i.id = o.incident_id "
                + "WHERE i.rule_set_version = 'bench' AND t.fired_at IS NOT NULL";
        double p50 = fraction(quaestor, lateness, 0.5);
        double p99 = fraction(quaestor, lateness, 0.99);
        double max = fraction(quaestor, lateness, 1.0);
        return List.of(
                new Figure("deadlines fired (of 10,000 due over 100 s)", String.format("%,d", fired), "10,000", ""),
                new Figure("firing lateness p50 / p99 / max", String.format("%.2f / %.2f / %.2f s", p50, p99, max), "target p99 ≤ 2 s",
                        p99 <= 2.0 ? "met" : "NOT met"));
    }

    private List<Figure> scope(BenchStack stack) throws Exception {
        PGSimpleDataSource gateway = stack.gateway();
        // Its own store: benchmarks before it in the same stack (retention's insert load) leave
        // rows whose accounts do not exist, which the engine rightly counts as unidentifiable.
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE organizations, accounts, request_metadata CASCADE");
        }
        new GatewayDataGenerator(gateway::getConnection, 2)
                .generate(new GenerationPlan(50, 5_000, 10_000_000, 120, 5, 31, LocalDate.now(ZoneOffset.UTC)));
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE");
        }
        DataMap map = DataMapValidator.validate(DataMapReader.read(new StringReader(Files.readString(
                Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped"), name -> Optional.of(gateway));
        List<String> tenants = new ArrayList<>();
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id::text FROM organizations ORDER BY id LIMIT 5")) {
            while (rs.next()) {
                tenants.add(rs.getString(1));
            }
        }
        Instant to = Instant.now();
        Instant from = to.minus(Duration.ofDays(30));
        List<Figure> figures = new ArrayList<>(measure(map, gateway, "5 tenants, 30 days",
                new BreachScope.Description(tenants, List.of(), from, to, null, List.of("technical-metadata"), false),
                " FROM request_metadata WHERE organization_id::text = ANY(?) AND occurred_at >= ? AND occurred_at < ?", tenants, from, to));
        figures.addAll(measure(map, gateway, "every tenant, all 120 days",
                new BreachScope.Description(List.of(), List.of(), null, null, null, List.of("technical-metadata"), true),
                " FROM request_metadata", null, null, null));
        return figures;
    }

    /** One scope, engine against hand-written SQL, twice each; the second (warm) timings. */
    private static List<Figure> measure(DataMap map, PGSimpleDataSource gateway, String label, BreachScope.Description d, String filter,
                                        List<String> tenants, Instant from, Instant to) throws Exception {
        double engineCount = 0;
        double engineList = 0;
        BreachScope.Result result = null;
        long[] listed = new long[1];
        double rawCount = 0;
        double rawList = 0;
        long[] raw = new long[3];
        for (int round = 0; round < 2; round++) {
            long start = System.nanoTime();
            result = BreachScope.compute(map, gateway, d);
            engineCount = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            listed[0] = 0;
            String after = "";
            while (after != null) {
                after = BreachScope.page(map, gateway, d, after, 5_000, a -> listed[0]++);
            }
            engineList = (System.nanoTime() - start) / 1e9;

            try (Connection c = gateway.getConnection()) {
                start = System.nanoTime();
                try (PreparedStatement s = c.prepareStatement("SELECT count(*), count(DISTINCT account_id)" + filter)) {
                    bind(c, s, tenants, from, to);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        raw[0] = rs.getLong(1);
                        raw[1] = rs.getLong(2);
                    }
                }
                rawCount = (System.nanoTime() - start) / 1e9;
                start = System.nanoTime();
                c.setAutoCommit(false);
                try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT account_id" + filter)) {
                    s.setFetchSize(5_000);
                    bind(c, s, tenants, from, to);
                    raw[2] = 0;
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            raw[2]++;
                        }
                    }
                }
                c.commit();
                rawList = (System.nanoTime() - start) / 1e9;
            }
        }
        if (result.records() != raw[0] || result.subjects() != raw[1] || listed[0] != raw[2]) {
            throw new IllegalStateException("the scope disagrees with SQL: " + result + " vs " + raw[0] + "/" + raw[1] + "/" + raw[2]);
        }
        return List.of(
                new Figure("scope counts (" + label + "): records / subjects", String.format("%,d / %,d in %.2f s", result.records(),
                        result.subjects(), engineCount), String.format("%.2f s (count, count DISTINCT)", rawCount),
                        String.format("%.2f×", engineCount / rawCount)),
                new Figure("account list (" + label + "), streamed", String.format("%,d accounts in %.2f s", listed[0], engineList),
                        String.format("%.2f s (SELECT DISTINCT)", rawList), String.format("%.2f×", engineList / rawList)));
    }

    private static void bind(Connection c, PreparedStatement s, List<String> tenants, Instant from, Instant to) throws Exception {
        if (tenants == null) {
            return;
        }
        s.setArray(1, c.createArrayOf("text", tenants.toArray()));
        s.setObject(2, from.atOffset(ZoneOffset.UTC));
        s.setObject(3, to.atOffset(ZoneOffset.UTC));
    }

    private static long scalar(PGSimpleDataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double fraction(PGSimpleDataSource ds, String sql, double p) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setDouble(1, p);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }
}
