package io.quaestor.datamap;

import io.quaestor.datamap.control.DataMapException;
import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.control.DataMapValidator;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.referencestore.control.ReferenceStoreSetup;
import io.quaestor.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data maps checked for shape and against live PostgreSQL: the shipped one, broken ones, and one for another schema. */
class DataMapValidationTest {

    private static final Path SHIPPED = Path.of("policy-templates/datamap/reference-gateway.datamap.json");
    private static String shipped;

    @BeforeAll
    static void referenceStore() throws Exception {
        ReferenceStoreSetup.flyway(TestDatabase.gateway("gateway")).migrate();
        shipped = Files.readString(SHIPPED);
    }

    @Test
    void theShippedMapIsValidAgainstTheReferenceStore() {
        DataMap map = validate(shipped, "gateway");
        assertEquals("accounts", map.subject().table());
        assertTrue(map.tables().size() >= 10);
        assertTrue(map.recipients().stream().anyMatch(r -> r.kind().equals("model-provider") && r.contentNote() != null));
    }

    @Test
    void shapeProblemsNameTheFileTheLineAndTheElement() {
        String broken = shipped.replace("\"legalBasis\": \"contract\", \"source\": \"data subject\",",
                        "\"legalBasis\": \"because\", \"source\": \"data subject\", \"colour\": \"blue\",")
                .replace("\"periodDays\": 7 }", "\"periodDays\": 0 }");
        DataMapException error = assertThrows(DataMapException.class, () -> validate(broken, "gateway"));
        List<String> found = error.problems().stream().map(Object::toString).toList();
        int accountsLine = lineOf(shipped, "\"name\": \"accounts\", \"category\": \"account\"");
        assertTrue(found.stream().anyMatch(p -> p.startsWith("test.datamap.json:" + (accountsLine + 1) + ": ")
                && p.contains("legalBasis") && p.contains("must be one of")), found.toString());
        assertTrue(found.stream().anyMatch(p -> p.contains(".colour: unknown member")), found.toString());
        assertTrue(found.stream().anyMatch(p -> p.contains("periodDays") && p.contains("from 1 to")), found.toString());
    }

    @Test
    void notJsonAtAllIsReportedWithItsLine() {
        DataMapException error = assertThrows(DataMapException.class, () -> validate("{\n  \"version\": \n}", "gateway"));
        assertEquals(3, error.problems().get(0).line());
    }

    @Test
    void liveSchemaProblemsAreEachNamed() {
        String broken = shipped
                .replace("{ \"name\": \"job_title\", \"label\": \"Job title\", \"export\": true }",
                        "{ \"name\": \"job_titel\", \"label\": \"Job title\", \"export\": true }")
                .replace("\"name\": \"top_ups\", \"category\"", "\"name\": \"top_upz\", \"category\"")
                .replace("{ \"name\": \"tax_id\", \"label\": \"Tax id\", \"export\": true }",
                        "{ \"name\": \"amount_cents\", \"label\": \"Tax id\", \"export\": true, \"erasure\": { \"strategy\": \"pseudonymize\" } }")
                .replace("\"link\": { \"column\": \"account_id\", \"references\": \"accounts.id\" },\n      \"retention\": { \"clockColumn\": \"occurred_at\", \"periodDays\": 180 }",
                        "\"link\": { \"column\": \"occurred_at\", \"references\": \"accounts.id\" },\n      \"retention\": { \"clockColumn\": \"device\", \"periodDays\": 180 }");
        DataMapException error = assertThrows(DataMapException.class, () -> validate(broken, "gateway"));
        String all = error.problems().toString();
        assertTrue(all.contains("column 'accounts.job_titel' does not exist"), all);
        assertTrue(all.contains("table 'top_upz' does not exist"), all);
        assertTrue(all.contains("'pseudonymize' needs a text column"), all);
        assertTrue(all.contains("type mismatch: login_records.occurred_at"), all);
        assertTrue(all.contains("a clock column must be a timestamp or date"), all);
    }

    @Test
    void retainedRowsMustLetGoOfAnErasedSubjectAndStrategiesMustFitTheirColumn() {
        String kept = shipped.replace(",\n        { \"name\": \"account_id\", \"label\": \"Account\", \"erasure\": { \"strategy\": \"set-null\" } }", "");
        String problems = assertThrows(DataMapException.class, () -> validate(kept, "gateway")).problems().toString();
        assertTrue(problems.contains("retained rows would still point at the erased subject through account_id: map column 'account_id'"), problems);

        String notNullable = shipped.replace("{ \"name\": \"currency\", \"label\": \"Currency\", \"export\": true },\n        { \"name\": \"billing_name\"",
                "{ \"name\": \"currency\", \"label\": \"Currency\", \"export\": true, \"erasure\": { \"strategy\": \"set-null\" } },\n        { \"name\": \"billing_name\"");
        DataMapException error = assertThrows(DataMapException.class, () -> validate(notNullable, "gateway"));
        assertTrue(error.problems().toString().contains("'set-null' needs a nullable column; 'currency' is NOT NULL"), error.problems().toString());
        assertTrue(error.problems().get(0).element().endsWith(".erasure.strategy"), error.problems().toString());
    }

    @Test
    void danglingLinksAndCyclesAreRefused() {
        String dangling = shipped.replace("\"link\": { \"column\": \"account_id\", \"references\": \"accounts.id\" },\n      \"erasure\": { \"strategy\": \"delete-row\" },\n      \"columns\": [\n        { \"name\": \"name\", \"label\": \"Key name\"",
                "\"link\": { \"column\": \"account_id\", \"references\": \"users.id\" },\n      \"erasure\": { \"strategy\": \"delete-row\" },\n      \"columns\": [\n        { \"name\": \"name\", \"label\": \"Key name\"");
        assertTrue(assertThrows(DataMapException.class, () -> validate(dangling, "gateway")).problems().toString()
                .contains("dangling link: table 'users' is not mapped"));

        String cycle = shipped.replace("\"link\": { \"column\": \"id\", \"references\": \"subject\" }",
                "\"link\": { \"column\": \"organization_id\", \"references\": \"organizations.id\" }");
        String problems = assertThrows(DataMapException.class, () -> validate(cycle, "gateway")).problems().toString();
        assertTrue(problems.contains("cycle in links"), problems);
    }

    @Test
    void anUnconfiguredStoreIsRefused() {
        String other = shipped.replace("\"datasource\": \"default\"", "\"datasource\": \"eu-replica\"");
        assertTrue(assertThrows(DataMapException.class, () -> validate(other, "gateway")).problems().toString()
                .contains("no datasource 'eu-replica' is configured"));
    }

    /** A gateway of a different shape: nothing in Quaestor is written for the reference tables. */
    @Test
    void aMapForAnotherGatewaySchemaIsWrittenFromScratchAndValidates() throws Exception {
        try (Connection c = TestDatabase.superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS othergateway");
            s.execute("CREATE DATABASE othergateway OWNER gateway");
        }
        try (Connection c = TestDatabase.gateway("othergateway").getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (customer_no bigint PRIMARY KEY, mail text NOT NULL, display_name text, "
                    + "deleted_on date)");
            s.execute("CREATE TABLE workspaces (ws_id bigint PRIMARY KEY, owner_no bigint NOT NULL, plan text)");
            s.execute("CREATE TABLE calls (call_id bigserial PRIMARY KEY, ws bigint NOT NULL, at timestamptz NOT NULL, "
                    + "tokens integer, client_ip inet)");
            s.execute("CREATE TABLE receipts (receipt_no text PRIMARY KEY, customer bigint, payer_name text, issued date NOT NULL)");
        }
        String map = """
                {
                  "version": "other-1",
                  "stores": [ { "name": "eu", "datasource": "default", "region": "eu" } ],
                  "subject": { "store": "eu", "table": "customers", "key": "customer_no", "tenant": "customer_no",
                    "identifiers": [ { "kind": "email", "table": "customers", "column": "mail", "match": "case-insensitive" } ] },
                  "tables": [
                    { "store": "eu", "name": "customers", "category": "account", "purpose": "Account", "legalBasis": "contract",
                      "source": "data subject", "link": { "column": "customer_no", "references": "subject" },
                      "retention": { "trigger": "account-closed", "clockColumn": "deleted_on", "periodDays": 30 },
                      "erasure": { "strategy": "delete-row" },
                      "columns": [ { "name": "mail", "label": "Email", "export": true }, { "name": "display_name", "label": "Name", "export": true } ] },
                    { "store": "eu", "name": "workspaces", "category": "account", "purpose": "Workspaces", "legalBasis": "contract",
                      "source": "data subject", "link": { "column": "owner_no", "references": "customers.customer_no" },
                      "erasure": { "strategy": "delete-row" }, "columns": [ { "name": "plan", "label": "Plan", "export": true } ] },
                    { "store": "eu", "name": "calls", "category": "technical-metadata", "purpose": "Metering", "legalBasis": "contract",
                      "source": "generated by use", "link": { "column": "ws", "references": "workspaces.ws_id" },
                      "retention": { "clockColumn": "at", "periodDays": 60 }, "erasure": { "strategy": "delete-row" },
                      "columns": [ { "name": "at", "label": "Time", "export": true }, { "name": "client_ip", "label": "IP", "export": true } ] },
                    { "store": "eu", "name": "receipts", "category": "billing", "purpose": "Receipts", "legalBasis": "legal obligation",
                      "source": "generated by use", "link": { "column": "customer", "references": "customers.customer_no" },
                      "retention": { "clockColumn": "issued", "periodDays": 2555, "legalFloorYears": 7, "ground": "Bookkeeping law" },
                      "erasure": { "strategy": "retain", "ground": "Bookkeeping law", "retainYears": 7 },
                      "columns": [ { "name": "payer_name", "label": "Payer", "export": true, "erasure": { "strategy": "pseudonymize" } },
                                   { "name": "customer", "label": "Customer", "erasure": { "strategy": "set-null" } } ] }
                  ],
                  "recipients": []
                }
                """;
        DataMap other = validate(map, "othergateway");
        assertEquals("customers", other.subject().table());
        assertEquals("workspaces.ws_id", other.table("eu", "calls").orElseThrow().links().get(0).references());
    }

    @Test
    void eachStoreIsCheckedAgainstItsOwnDatabase() throws Exception {
        try (Connection c = TestDatabase.superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS cngateway");
            s.execute("CREATE DATABASE cngateway OWNER gateway");
        }
        ReferenceStoreSetup.flyway(TestDatabase.gateway("cngateway")).migrate();
        try (Connection c = TestDatabase.gateway("cngateway").getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE request_metadata RENAME COLUMN user_agent TO client_agent");
        }
        String cnTables = """
                ,
                    { "store": "cn", "name": "accounts", "category": "account", "purpose": "Account", "legalBasis": "contract",
                      "source": "data subject", "link": { "column": "id", "references": "subject" },
                      "erasure": { "strategy": "delete-row" }, "columns": [ { "name": "email", "label": "Email", "export": true } ] },
                    { "store": "cn", "name": "request_metadata", "category": "technical-metadata", "purpose": "Metering",
                      "legalBasis": "contract", "source": "generated by use", "link": { "column": "account_id", "references": "accounts.id" },
                      "erasure": { "strategy": "delete-row" }, "columns": [ { "name": "COLUMN", "label": "Agent", "export": true } ] }
                  ],
                  "recipients"
                """.stripTrailing();
        String twoStores = shipped.replace("{ \"name\": \"gateway-global\", \"datasource\": \"default\", \"region\": \"global\" }",
                        "{ \"name\": \"gateway-global\", \"datasource\": \"default\", \"region\": \"global\" },\n"
                                + "    { \"name\": \"cn\", \"datasource\": \"cn-region\", \"region\": \"cn\" }")
                .replaceFirst("\\n  \\],\\n  \"recipients\"", java.util.regex.Matcher.quoteReplacement(cnTables));
        DataSource global = TestDatabase.gateway("gateway");
        DataSource cn = TestDatabase.gateway("cngateway");
        java.util.function.Function<String, Optional<DataSource>> both =
                name -> Optional.ofNullable(Map.of("default", global, "cn-region", cn).get(name));

        DataMap valid = DataMapValidator.validate(DataMapReader.read(new StringReader(twoStores.replace("COLUMN", "client_agent")),
                "two.json"), both);
        assertEquals(2, valid.stores().size());
        String problems = assertThrows(DataMapException.class, () -> DataMapValidator.validate(DataMapReader.read(
                new StringReader(twoStores.replace("COLUMN", "user_agent")), "two.json"), both)).problems().toString();
        assertTrue(problems.contains("column 'request_metadata.user_agent' does not exist"), problems);
    }

    private static DataMap validate(String json, String database) {
        DataSource source = TestDatabase.gateway(database);
        return DataMapValidator.validate(DataMapReader.read(new StringReader(json), "test.datamap.json"),
                name -> "default".equals(name) ? Optional.of(source) : Optional.empty());
    }


    private static int lineOf(String text, String needle) {
        int index = text.indexOf(needle);
        return (int) text.substring(0, index).chars().filter(ch -> ch == '\n').count() + 1;
    }
}
