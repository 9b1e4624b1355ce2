package io.quaestor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mvn -Pbench package [-Dbench=name,...]}: runs the named benchmarks (all by default),
 * prints every figure with its baseline, and rewrites their sections of docs/benchmarks.md,
 * keeping the sections of benchmarks not run this time.
 */
public final class BenchmarkRunner {

    private static final List<Benchmark> ALL = List.of(new AuthenticatedReadBenchmark(), new GeneratorBenchmark(),
            new SubjectStreamBenchmark(), new AccessGateBenchmark(), new AuditIngestBenchmark(), new TrailVerificationBenchmark(),
            new DsarSearchBenchmark(), new FulfilmentBenchmark(), new RetentionBenchmark(), new RetentionScalingBenchmark(), new BreachBenchmark(),
            new LiteLlmBenchmark(), new ConsoleQueueBenchmark(), new ConsoleTrailBenchmark());
    private static final String HEADER = """
            # Benchmarks

            Written by `mvn -B -Pbench package` (see the README); each section is replaced when its
            benchmark runs. Every figure is measured beside its baseline in the same run, on the same
            machine, because this machine is shared and noisy: compare ratios, not absolute numbers
            across runs.
            """;

    private BenchmarkRunner() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(System.getProperty("quaestor.target", "target"));
        Path report = Path.of(System.getProperty("quaestor.bench.report", "docs/benchmarks.md"));
        List<Benchmark> selected = select(System.getProperty("bench", "all"));
        Map<String, String> sections = readSections(report);
        try (BenchStack stack = BenchStack.start(target, Integer.getInteger("quaestor.bench.http-port", 18080),
                Integer.getInteger("quaestor.bench.db-port", 15433))) {
            for (Benchmark benchmark : selected) {
                System.out.println("== benchmark " + benchmark.name());
                List<Benchmark.Figure> figures = benchmark.run(stack);
                figures.forEach(f -> System.out.printf("   %-45s %-22s baseline %-28s %s%n", f.what(), f.value(),
                        f.baseline().isEmpty() ? "-" : f.baseline(), f.ratio()));
                sections.put(benchmark.name(), section(benchmark, figures));
            }
        }
        write(report, sections);
        System.out.println("== wrote " + report);
    }

    private static List<Benchmark> select(String names) {
        if (names.equals("all")) {
            return ALL;
        }
        List<String> wanted = Arrays.asList(names.split(","));
        List<Benchmark> chosen = ALL.stream().filter(b -> wanted.contains(b.name())).toList();
        if (chosen.size() != wanted.size()) {
            throw new IllegalArgumentException("unknown benchmark in " + wanted + "; known: "
                    + ALL.stream().map(Benchmark::name).toList());
        }
        return chosen;
    }

    private static String section(Benchmark benchmark, List<Benchmark.Figure> figures) {
        StringBuilder md = new StringBuilder();
        md.append("## ").append(benchmark.name()).append("\n\n")
                .append(benchmark.description()).append("\n\n")
                .append("Measured ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(".\n\n")
                .append("| figure | value | baseline (same run) | ratio |\n|---|---|---|---|\n");
        for (Benchmark.Figure f : figures) {
            md.append("| ").append(f.what()).append(" | ").append(f.value()).append(" | ")
                    .append(f.baseline()).append(" | ").append(f.ratio()).append(" |\n");
        }
        return md.toString();
    }

    private static Map<String, String> readSections(Path report) throws IOException {
        Map<String, String> sections = new LinkedHashMap<>();
        if (!Files.exists(report)) {
            return sections;
        }
        String text = Files.readString(report);
        Matcher heading = Pattern.compile("(?m)^## (\\S+)\\s*$").matcher(text);
        List<int[]> starts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (heading.find()) {
            starts.add(new int[]{heading.start()});
            names.add(heading.group(1));
        }
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : text.length();
            sections.put(names.get(i), text.substring(starts.get(i)[0], end).strip() + "\n");
        }
        return sections;
    }

    private static void write(Path report, Map<String, String> sections) throws IOException {
        StringBuilder md = new StringBuilder(HEADER);
        sections.values().forEach(s -> md.append('\n').append(s));
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, md.toString());
    }
}
