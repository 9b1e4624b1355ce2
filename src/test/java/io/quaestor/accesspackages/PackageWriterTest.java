package io.quaestor.accesspackages;

import io.quaestor.accesspackages.control.AccessLetter;
import io.quaestor.accesspackages.control.PackageWriter;
import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.referencestore.control.ReferenceStoreSetup;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.testing.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.text.Normalizer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A package's files agree with the store row for row, its manifest with its files, and its letter says what Art. 15 asks. */
class PackageWriterTest {

    private static final String CJK_NAME = "王小明";
    private static final String ARABIC_NAME = "فاطمة الزهراء";
    private static PGSimpleDataSource gateway;
    private static DataMap map;
    private static UUID heavy;
    private static UUID other;

    @BeforeAll
    static void referenceStoreWithData() throws Exception {
        gateway = TestDatabase.freshGateway("packages");
        ReferenceStoreSetup.flyway(gateway).migrate();
        new GatewayDataGenerator(gateway::getConnection, 2)
                .generate(new GenerationPlan(2, 10, 20_000, 5, 1, 11, LocalDate.of(2026, 11, 20)));
        map = DataMapValidator.validate(DataMapReader.read(new StringReader(
                Files.readString(Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped"),
                name -> Optional.of(gateway));
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT a.id FROM accounts a ORDER BY (SELECT count(*) FROM request_metadata m "
                     + "WHERE m.account_id = a.id) DESC LIMIT 2")) {
            rs.next();
            heavy = rs.getObject(1, UUID.class);
            rs.next();
            other = rs.getObject(1, UUID.class);
        }
        rename(heavy, CJK_NAME);
        rename(other, ARABIC_NAME);
    }

    @Test
    void everyTableIsInTheCsvAndJsonWithTheStoresRowCountAndTheManifestDigests() throws Exception {
        Map<String, byte[]> files = unzip(write(heavy, false));
        JsonObject manifest = Json.createReader(new ByteArrayInputStream(files.get("manifest.json"))).readObject();
        assertEquals(files.size() - 1, manifest.getJsonArray("files").size(), "every file but the manifest is listed");
        for (JsonValue v : manifest.getJsonArray("files")) {
            JsonObject f = v.asJsonObject();
            byte[] content = files.get(f.getString("path"));
            assertEquals(f.getString("sha256"), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), f.getString("path"));
            if (!f.containsKey("rows")) {
                continue;
            }
            long rows = f.getJsonNumber("rows").longValue();
            String text = new String(content, StandardCharsets.UTF_8);
            if (f.getString("format").equals("csv")) {
                assertEquals(rows + 1, csvRecords(text), f.getString("path") + ": header plus one record per row");
            } else {
                assertEquals(rows, text.lines().count(), f.getString("path"));
                text.lines().forEach(line -> Json.createReader(new StringReader(line)).readObject());
            }
            if (!f.getString("dataset").equals("operator-access")) {
                assertEquals(storeCount(f.getString("dataset")), rows, f.getString("path") + " against the store");
            }
        }
        assertTrue(storeCount("request_metadata") > 5_000, "the heavy account was chosen");
        String header = new String(files.get("data/technical-metadata/request_metadata.csv"), StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertTrue(header.startsWith("Time (UTC),Request id,Model,"), "labels from the data map: " + header);
        String first = new String(files.get("data/technical-metadata/request_metadata.csv"), StandardCharsets.UTF_8).lines().skip(1)
                .findFirst().orElseThrow();
        assertTrue(first.matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z,.*"), "times in ISO 8601 UTC: " + first);
        String json = new String(files.get("data/technical-metadata/request_metadata.jsonl"), StandardCharsets.UTF_8).lines()
                .findFirst().orElseThrow();
        assertTrue(json.matches(".*\"prompt_tokens\":\\d+,.*"), "numbers stay numbers: " + json);
    }

    @Test
    void theLetterHasTheArticle15SectionsAndRendersAChineseName() throws Exception {
        String text = letterText(heavy, false);
        for (String section : List.of("Article 15", "The data we hold about you", "Why we use it, and on what legal basis",
                "Who receives it", "How long we keep it", "Where it comes from", "Automated decisions",
                "Who among our staff looked at your data", "Prompts and completions", "Your rights", "Your right to complain",
                "Files in this package", "Stripe", "standard contractual clauses", "at least 10 years by law")) {
            assertTrue(text.contains(section), section + " missing from:\n" + text);
        }
        assertTrue(text.contains(CJK_NAME), text);
    }

    @Test
    void anArabicNameRendersAndPortabilityLeavesOutWhatOthersSupplied() throws Exception {
        byte[] zip = write(other, true);
        Map<String, byte[]> files = unzip(zip);
        assertTrue(files.containsKey("data/technical-metadata/request_metadata.jsonl"));
        assertTrue(files.containsKey("data/billing/invoices.csv"));
        assertFalse(files.containsKey("data/account/organizations.csv"), "supplied by the tenant, not the subject");
        assertFalse(files.containsKey("data/billing/payments.csv"), "supplied by the payment processor");
        String text = extract(files.get("letter.pdf"));
        assertTrue(text.contains("Article 20"), text);
        assertTrue(Normalizer.normalize(text, Normalizer.Form.NFKC).contains(ARABIC_NAME), text);
    }

    private static String letterText(UUID account, boolean portability) throws Exception {
        return extract(unzip(write(account, portability)).get("letter.pdf"));
    }

    private static byte[] write(UUID account, boolean portability) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLetter letter = new AccessLetter(map, new AccessLetter.Controller("Example Gateway Ltd", "privacy@example.com",
                "the data protection authority where you live", "https://gateway.example/privacy/"));
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        PackageWriter.ExtraDataset access = new PackageWriter.ExtraDataset("access-transparency", "operator-access",
                List.of(new PackageWriter.Column("occurred_at", "Time (UTC)"), new PackageWriter.Column("justification", "Why")),
                List.<Object[]>of(new Object[]{now, "CUSTOMER_SUPPORT, \"TICKET-1\""}));
        new PackageWriter(map, new SubjectRows(map, gateway)).write(out,
                new PackageWriter.Header("DSR-2026-000001", portability ? "PORTABILITY" : "ACCESS", now, map.version()),
                List.of(account), portability ? PackageWriter.PORTABLE : t -> true, List.of(access),
                summary -> letter.write(new AccessLetter.Request("DSR-2026-000001", portability, now.minusSeconds(86_400), now, 1), summary));
        return out.toByteArray();
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                files.put(entry.getName(), in.readAllBytes());
            }
        }
        return files;
    }

    /** Records of an RFC 4180 text: line breaks inside quotes do not end a record. */
    static long csvRecords(String text) {
        long records = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == '\n' && !quoted) {
                records++;
            }
        }
        return records;
    }

    private static long storeCount(String table) throws Exception {
        DataMap.MappedTable mapped = map.table("gateway-global", table).orElseThrow();
        String count = new io.quaestor.datamap.control.SubjectQueries(map).count(mapped);
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement(count)) {
            s.setArray(1, c.createArrayOf("uuid", new Object[]{heavy}));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void rename(UUID account, String name) throws Exception {
        try (Connection c = gateway.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE accounts SET name = ? WHERE id = ?")) {
            s.setString(1, name);
            s.setObject(2, account);
            s.executeUpdate();
        }
    }

    private static String extract(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }
}
