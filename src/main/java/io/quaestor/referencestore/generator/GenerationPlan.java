package io.quaestor.referencestore.generator;

import java.time.LocalDate;

/**
 * How much data to generate. Metadata rows are spread over {@code days} days ending at
 * {@code lastDay} (UTC); {@code heavyAccounts} accounts receive {@link #HEAVY_SHARE} of them.
 */
public record GenerationPlan(int organizations, int accounts, long metadataRows, int days, int heavyAccounts,
                             long seed, LocalDate lastDay) {

    public static final double HEAVY_SHARE = 0.3;

    public GenerationPlan {
        require(organizations >= 1 && organizations <= 100_000, "organizations must be 1..100000");
        require(accounts >= organizations && accounts <= 10_000_000, "accounts must be at least organizations, at most 10000000");
        require(metadataRows >= 0 && metadataRows <= 1_000_000_000L, "metadataRows must be 0..1000000000");
        require(days >= 1 && days <= 730, "days must be 1..730");
        require(heavyAccounts >= 0 && heavyAccounts <= accounts, "heavyAccounts must be 0..accounts");
    }

    /** The modest set the embedded demo starts with. */
    public static GenerationPlan demo(LocalDate today) {
        return new GenerationPlan(5, 60, 20_000, 30, 2, 42, today);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
