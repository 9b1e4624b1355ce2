package io.quaestor.bench;

import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

/** Runs an operation from several threads a fixed number of times and summarises its latencies. */
record Latencies(long[] nanos, long wallNanos) {

    interface Operation {
        void run() throws Exception;
    }

    static Latencies measure(int threads, int perThread, Operation operation) throws Exception {
        long[] all = new long[threads * perThread];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * perThread;
                tasks.add(() -> {
                    for (int i = 0; i < perThread; i++) {
                        long start = System.nanoTime();
                        operation.run();
                        all[offset + i] = System.nanoTime() - start;
                    }
                    return null;
                });
            }
            long start = System.nanoTime();
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
            return new Latencies(all, System.nanoTime() - start);
        } finally {
            pool.shutdownNow();
        }
    }

    double perSecond() {
        return nanos.length / (wallNanos / 1e9);
    }

    double percentileMillis(double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
