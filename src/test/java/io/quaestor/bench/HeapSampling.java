package io.quaestor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Runs work while sampling the heap every 20 ms: the peak above the heap before it (garbage included), and the seconds taken. */
final class HeapSampling {

    private HeapSampling() {
    }

    /** @param peak receives, at index 0, the sampled peak in bytes above the heap used before the work */
    static double sampled(long[] peak, Callable<Void> work) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        AtomicLong max = new AtomicLong(before);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                max.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        long start = System.nanoTime();
        try {
            work.call();
        } finally {
            sampling.set(false);
            sampler.join();
        }
        peak[0] = max.get() - before;
        return (System.nanoTime() - start) / 1e9;
    }
}
