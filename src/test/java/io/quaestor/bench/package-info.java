/**
 * The benchmark harness ({@code mvn -Pbench package}): starts a real stack, runs named benchmarks,
 * measures each against a raw-PostgreSQL baseline in the same run, and rewrites
 * docs/benchmarks.md. Figures are never asserted in unit tests: this machine is shared and noisy,
 * so only ratios measured side by side mean anything.
 */
package io.quaestor.bench;
