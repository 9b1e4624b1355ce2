package io.quaestor.launcher;

import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.referencestore.generator.GenerationReport;

import java.sql.DriverManager;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Command line for the reference store generator:
 * {@code java -cp target/quaestor-launcher.jar io.quaestor.launcher.GenerateGatewayData
 * --url jdbc:postgresql://127.0.0.1:54329/gateway --user gateway --password ... --organizations 50
 * --accounts 5000 --rows 10000000 --days 120 --heavy 5}. The password may come from
 * {@code QUAESTOR_GATEWAY_DB_PASSWORD} instead, to keep it off the command line.
 */
public final class GenerateGatewayData {

    private GenerateGatewayData() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        String url = required(options, "url");
        String user = options.getOrDefault("user", "gateway");
        String password = options.getOrDefault("password", System.getenv("QUAESTOR_GATEWAY_DB_PASSWORD"));
        GenerationPlan plan = new GenerationPlan(
                Integer.parseInt(options.getOrDefault("organizations", "50")),
                Integer.parseInt(options.getOrDefault("accounts", "5000")),
                Long.parseLong(options.getOrDefault("rows", "1000000")),
                Integer.parseInt(options.getOrDefault("days", "90")),
                Integer.parseInt(options.getOrDefault("heavy", "5")),
                Long.parseLong(options.getOrDefault("seed", "42")),
                LocalDate.now(ZoneOffset.UTC));
        int threads = Integer.parseInt(options.getOrDefault("threads", "2"));
        GenerationReport report = new GatewayDataGenerator(() -> DriverManager.getConnection(url, user, password), threads)
                .generate(plan);
        report.rowsByTable().forEach((table, rows) -> System.out.printf("%-18s %,d%n", table, rows));
        System.out.printf("request_metadata: %,.0f rows/s; total %.1f s (batch %s)%n",
                report.metadataRowsPerSecond(), report.totalMillis() / 1000.0, report.batch());
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
