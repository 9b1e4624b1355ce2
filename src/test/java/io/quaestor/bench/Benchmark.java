package io.quaestor.bench;

import java.util.List;

/** One named benchmark: runs against the stack and reports figures beside their baselines. */
interface Benchmark {

    String name();

    /** What the benchmark measures and how, for the report. */
    String description();

    List<Figure> run(BenchStack stack) throws Exception;

    /** One measured figure, with the raw-PostgreSQL (or other) baseline measured in the same run. */
    record Figure(String what, String value, String baseline, String ratio) {
    }
}
