package io.quaestor.referencestore.generator;

import java.util.Map;

/** What a generation wrote, table by table, and how long it took. */
public record GenerationReport(String batch, Map<String, Long> rowsByTable, long metadataMillis, long totalMillis) {

    public GenerationReport {
        rowsByTable = Map.copyOf(rowsByTable);
    }

    public double metadataRowsPerSecond() {
        long rows = rowsByTable.getOrDefault("request_metadata", 0L);
        return metadataMillis == 0 ? 0 : rows * 1000.0 / metadataMillis;
    }
}
