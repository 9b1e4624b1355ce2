package io.quaestor.retention;

import io.quaestor.datamap.control.DataMapReader;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.retention.control.RetentionRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order of precedence, rule by rule: holds, then legal floors, then the longest period. */
class RetentionRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-24T03:00:00Z");
    private static RetentionRules rules;

    @BeforeAll
    static void shippedMap() throws Exception {
        DataMap map = DataMapReader.read(new StringReader(Files.readString(
                Path.of("policy-templates/datamap/reference-gateway.datamap.json"))), "shipped").map();
        rules = new RetentionRules(map);
    }

    @Test
    void everyTimeBasedRuleIsFoundAndClosureIsLeftToErasure() {
        List<String> tables = rules.rules().stream().map(RetentionRules.Rule::table).toList();
        assertTrue(tables.containsAll(List.of("request_metadata", "invoices", "payments", "login_records", "security_events",
                "system_logs", "edge_access_logs")), tables.toString());
        assertTrue(!tables.contains("accounts"), "closed accounts are erased, not purged by age");
    }

    @Test
    void theTenantsOwnSettingAppliesToItsMetadataAndTheDefaultToTablesWithoutTenants() {
        List<RetentionRules.Cutoff> cutoffs = rules.cutoffs(new RetentionRules.Context(NOW, Map.of("t-short", 30, "t-long", 730),
                Set.of(), Set.of()));
        assertEquals(NOW.minus(30, ChronoUnit.DAYS), find(cutoffs, "request_metadata", "t-short").cutoff());
        assertEquals(NOW.minus(730, ChronoUnit.DAYS), find(cutoffs, "request_metadata", "t-long").cutoff());
        assertEquals(NOW.minus(7, ChronoUnit.DAYS), find(cutoffs, "system_logs", null).cutoff());
        assertEquals(NOW.minus(180, ChronoUnit.DAYS), find(cutoffs, "login_records", null).cutoff());
    }

    @Test
    void aLegalFloorBeatsAShorterPeriod() {
        RetentionRules.Rule invoices = new RetentionRules.Rule("s", "invoices", "billing", "issued_at", 365, 10, "Tax law", null);
        RetentionRules.Cutoff cutoff = decide(invoices, new RetentionRules.Context(NOW, Map.of(), Set.of(), Set.of()));
        assertEquals(Instant.parse("2016-11-24T03:00:00Z"), cutoff.cutoff(), "ten calendar years, not 3,650 days");
        assertTrue(cutoff.reason().contains("legal floor of 10 years (Tax law)"), cutoff.reason());
        RetentionRules.Rule longer = new RetentionRules.Rule("s", "invoices", "billing", "issued_at", 5_000, 10, "Tax law", null);
        assertEquals(NOW.minus(5_000, ChronoUnit.DAYS), decide(longer, new RetentionRules.Context(NOW, Map.of(), Set.of(), Set.of()))
                .cutoff(), "the longest period wins when it is longer than the floor");
    }

    @Test
    void aHoldOnTheCategoryOrTheTenantKeepsEverythingAndSaysWhy() {
        List<RetentionRules.Cutoff> cutoffs = rules.cutoffs(new RetentionRules.Context(NOW, Map.of("t-held", 30, "t-free", 30),
                Set.of("t-held"), Set.of("console")));
        RetentionRules.Cutoff tenantHeld = find(cutoffs, "request_metadata", "t-held");
        assertNull(tenantHeld.cutoff());
        assertEquals("tenant:t-held", tenantHeld.heldBy());
        assertEquals(NOW.minus(30, ChronoUnit.DAYS), find(cutoffs, "request_metadata", "t-free").cutoff());
        assertEquals("category:console", find(cutoffs, "login_records", null).heldBy());
        assertTrue(find(cutoffs, "security_events", null).cutoff() != null, "other categories are not held");
    }

    @Test
    void aTenantsSettingOutsideTheRangeIsRefused() {
        assertEquals("metadataRetentionDays", assertThrows(InvalidInputException.class, () -> RetentionRules.requireTenantDays(0)).field());
        assertThrows(InvalidInputException.class, () -> RetentionRules.requireTenantDays(731));
        RetentionRules.requireTenantDays(1);
        RetentionRules.requireTenantDays(730);
    }

    private static RetentionRules.Cutoff decide(RetentionRules.Rule rule, RetentionRules.Context context) {
        return RetentionRules.decide(rule, null, null, context);
    }

    private static RetentionRules.Cutoff find(List<RetentionRules.Cutoff> cutoffs, String table, String tenant) {
        return cutoffs.stream().filter(c -> c.rule().table().equals(table) && java.util.Objects.equals(c.tenant(), tenant))
                .findFirst().orElseThrow(() -> new AssertionError(table + "/" + tenant + " in " + cutoffs));
    }
}
