package io.quaestor.documents;

import io.quaestor.breach.control.BreachClock;
import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.documents.control.DocumentDiff;
import io.quaestor.documents.control.DocumentGenerator;
import io.quaestor.documents.control.DocumentRenderer;
import io.quaestor.retention.control.OwnRecords;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.Arrays;
import java.util.Locale;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documents generated from the shipped maps: golden JSON for the reference and LiteLLM maps
 * (a change to the wording or a map shows up as a diff of these files), the LiteLLM map generating without
 * holes, a longer period or a new recipient classed material, and the PDF's text in German.
 * Regenerate the golden files with -Dgolden.update=true and review the diff.
 */
class DocumentGeneratorTest {

    private static final Path GOLDEN = Path.of("src/test/resources/documents");
    private static final DocumentGenerator.Controller CONTROLLER = new DocumentGenerator.Controller("Example Gateway Ltd",
            "privacy@gateway.example", "dpo@gateway.example", "the data protection authority of Ireland",
            "https://gateway.example/privacy/");
    private static final DocumentGenerator.Measures MEASURES = new DocumentGenerator.Measures(Duration.ofHours(4), Duration.ofHours(24),
            Duration.ofDays(90), 30, Duration.ofDays(30), Duration.ofDays(365));
    /** Quaestor's own schedule with its shipped periods. */
    private static final List<DocumentGenerator.OwnLine> OWN = Arrays.stream(OwnRecords.Line.values())
            .map(l -> new DocumentGenerator.OwnLine(l.slug, l.table, l.defaultPeriod, l.action.name().toLowerCase(Locale.ROOT))).toList();

    @Test
    void theShippedMapsDocumentsMatchTheirGoldenFiles() throws Exception {
        golden("reference-gateway", "");
        golden("litellm", "litellm/");
    }

    private static void golden(String mapName, String folder) throws Exception {
        DataMap map = map(mapName);
        for (DocumentGenerator.Kind kind : DocumentGenerator.Kind.values()) {
            for (String language : List.of("en", "de")) {
                String actual = pretty(generate(map, kind, language));
                Path golden = GOLDEN.resolve(folder + kind.slug + "-" + language + ".json");
                if (Boolean.getBoolean("golden.update")) {
                    Files.createDirectories(golden.getParent());
                    Files.writeString(golden, actual);
                }
                assertTrue(Files.exists(golden), "no golden file " + golden + "; run with -Dgolden.update=true and review it");
                assertEquals(Files.readString(golden), actual, mapName + ": " + kind.slug + " in " + language);
            }
        }
    }

    @Test
    void theLiteLlmMapGeneratesEveryDocumentFromItsOwnTablesAndRecipients() throws Exception {
        DataMap map = map("litellm");
        for (DocumentGenerator.Kind kind : DocumentGenerator.Kind.values()) {
            JsonObject document = generate(map, kind, "en");
            assertEquals(map.version(), document.getJsonObject("generatedFrom").getString("dataMap"));
            assertFalse(document.getJsonArray("sections").isEmpty(), kind.slug);
        }
        String schedule = generate(map, DocumentGenerator.Kind.RETENTION_SCHEDULE, "en").toString();
        for (DataMap.MappedTable table : map.tables()) {
            assertTrue(schedule.contains(table.store() + "." + table.name()), "every mapped table has its line: " + table.name());
        }
    }

    @Test
    void keepingLongerOrAddingARecipientIsMaterialAndSaidInWords() throws Exception {
        String raw = Files.readString(Path.of("policy-templates/datamap/reference-gateway.datamap.json"));
        DataMap before = DataMapReader.read(new StringReader(raw), "before").map();
        DataMap longer = DataMapReader.read(new StringReader(raw.replace("\"periodDays\": 90", "\"periodDays\": 120")
                .replace("{ \"name\": \"Stripe\"", "{ \"name\": \"Acme Analytics\", \"kind\": \"other\", \"categories\": [\"technical-metadata\"], "
                        + "\"transfer\": \"standard contractual clauses\" },\n    { \"name\": \"Stripe\"")), "after").map();
        List<DocumentDiff.Change> changes = DocumentDiff.between(generate(before, DocumentGenerator.Kind.PRIVACY_POLICY, "en"),
                generate(longer, DocumentGenerator.Kind.PRIVACY_POLICY, "en"));
        assertTrue(changes.contains(new DocumentDiff.Change(
                "How long we keep it: gateway-global.request_metadata: Kept for: 90 days from occurred_at; your organisation may set 1 to 730 days"
                        + " → 120 days from occurred_at; your organisation may set 1 to 730 days", true)), changes.toString());
        assertTrue(changes.stream().anyMatch(c -> c.material() && c.text().startsWith("Recipients: new Acme Analytics")), changes.toString());

        DataMap shorter = DataMapReader.read(new StringReader(raw.replace("\"periodDays\": 90", "\"periodDays\": 60")), "shorter").map();
        List<DocumentDiff.Change> kinder = DocumentDiff.between(generate(before, DocumentGenerator.Kind.RETENTION_SCHEDULE, "en"),
                generate(shorter, DocumentGenerator.Kind.RETENTION_SCHEDULE, "en"));
        assertEquals(1, kinder.size(), kinder.toString());
        assertFalse(kinder.get(0).material(), "keeping data for less time protects more");
    }

    @Test
    void theScheduleStatesQuaestorsOwnRecordsAndTheBackupsAndKeepingCaseFilesLongerIsMaterial() throws Exception {
        String schedule = generate(map("reference-gateway"), DocumentGenerator.Kind.RETENTION_SCHEDULE, "en").toString();
        for (OwnRecords.Line line : OwnRecords.Line.values()) {
            assertTrue(schedule.contains(line.table + " (" + line.slug + ")"), "Quaestor's own line " + line.slug);
        }
        assertTrue(schedule.contains("3 years from the request's closing; then reduced to a minimal record"), schedule);
        assertTrue(schedule.contains("14 days from the backup") && schedule.contains("does not verify this line"), schedule);

        List<DocumentGenerator.OwnLine> longer = OWN.stream().map(l -> l.slug().equals("dsar-case-files")
                ? new DocumentGenerator.OwnLine(l.slug(), l.table(), "P6Y", l.action()) : l).toList();
        List<DocumentGenerator.OwnLine> shorter = OWN.stream().map(l -> l.slug().equals("dsar-case-files")
                ? new DocumentGenerator.OwnLine(l.slug(), l.table(), "P18M", l.action()) : l).toList();
        JsonObject before = generate(map("reference-gateway"), DocumentGenerator.Kind.RETENTION_SCHEDULE, "en");
        List<DocumentDiff.Change> toSix = DocumentDiff.between(before, generate(map("reference-gateway"), DocumentGenerator.Kind.RETENTION_SCHEDULE, "en", longer));
        assertEquals(1, toSix.size(), toSix.toString());
        assertTrue(toSix.get(0).material() && toSix.get(0).text().contains("3 years from the request's closing; then reduced to a minimal record"
                + " (reference, type, dates, outcome) → 6 years"), toSix.toString());
        List<DocumentDiff.Change> toEighteenMonths = DocumentDiff.between(before,
                generate(map("reference-gateway"), DocumentGenerator.Kind.RETENTION_SCHEDULE, "en", shorter));
        assertFalse(toEighteenMonths.get(0).material(), "1 year and 6 months is shorter than 3 years, whatever the first number: " + toEighteenMonths);
    }

    @Test
    void theDataProcessingAgreementStatesTheArticle28ClausesWithTheEnforcedFacts() throws Exception {
        String dpa = generate(map("reference-gateway"), DocumentGenerator.Kind.DATA_PROCESSING_AGREEMENT, "en").toString();
        for (String clause : List.of("(a) ", "(b) ", "(c) ", "(d) ", "(e) ", "(f) ", "(g) ", "(h) ")) {
            assertTrue(dpa.contains(clause), "Art. 28(3) " + clause);
        }
        assertTrue(dpa.contains("at least 30 days before the change takes effect"), "the notice period the documents enforce");
        assertTrue(dpa.contains("within 24 hours of becoming aware"), "the shortest clock of every incident");
        assertTrue(dpa.contains("30 days after the account is closed"), "the map's closed-account rule");
        assertTrue(dpa.contains("a grant of at most 4 hours") && dpa.contains("recertified every 90 days"), "the access policy");
        assertTrue(dpa.contains("Stripe") && dpa.contains("Annex III"), "the sub-processors");
        String german = generate(map("reference-gateway"), DocumentGenerator.Kind.DATA_PROCESSING_AGREEMENT, "de").toString();
        assertTrue(german.contains("Art. 28 Abs. 3 DSGVO") && german.contains("binnen 24 Stunden nach Kenntnis"), german);
    }

    @Test
    void theGermanPolicyPdfHoldsItsGermanText() throws Exception {
        JsonObject policy = generate(map("reference-gateway"), DocumentGenerator.Kind.PRIVACY_POLICY, "de");
        byte[] pdf = DocumentRenderer.pdf(policy, "Version 1", Instant.parse("2026-12-03T00:00:00Z"));
        try (PDDocument document = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
            assertTrue(text.contains("Datenschutzerklärung"), text.substring(0, 200));
            assertTrue(text.contains("Wie lange wir Daten aufbewahren"));
            assertTrue(text.contains("Stripe"));
        }
        String html = DocumentRenderer.html(policy, "Version 1");
        assertTrue(html.startsWith("<!doctype html>") && html.contains("<html lang=\"de\">") && !html.contains("<script"));
    }

    private static DataMap map(String name) throws Exception {
        return DataMapReader.read(new StringReader(Files.readString(Path.of("policy-templates/datamap/" + name + ".datamap.json"))), name).map();
    }

    private static JsonObject generate(DataMap map, DocumentGenerator.Kind kind, String language) {
        return generate(map, kind, language, OWN);
    }

    private static JsonObject generate(DataMap map, DocumentGenerator.Kind kind, String language, List<DocumentGenerator.OwnLine> own) {
        return new DocumentGenerator(new DocumentGenerator.Sources(map, BreachClock.shipped(), CONTROLLER, own, Period.ofDays(30),
                Period.ofDays(14), MEASURES), language).generate(kind);
    }

    private static String pretty(JsonObject document) {
        StringWriter out = new StringWriter();
        try (var writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)) {
            writer.writeObject(document);
        }
        return out.toString().strip() + "\n";
    }
}
