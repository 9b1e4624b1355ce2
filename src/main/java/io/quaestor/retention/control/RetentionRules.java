package io.quaestor.retention.control;

import io.quaestor.datamap.entity.DataMap;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Works out, for every time-based retention rule of the data map and every tenant, the instant
 * before which rows may go, in this order of precedence:
 * <ol>
 *   <li>a legal hold on the rule's data category, or on the tenant, keeps everything (no cutoff);
 *       holds on single accounts are applied row by row by the purge, not here;</li>
 *   <li>a legal retention floor (invoices: N years) beats any shorter period;</li>
 *   <li>among the periods that apply (the map's default, or the tenant's own setting where the
 *       map allows one), the longest wins.</li>
 * </ol>
 * Rules triggered by an event (an account's closure) are not time-based purges: closed accounts
 * are erased with the data map's erasure strategies instead.
 */
public final class RetentionRules {

    /** A time-based rule: rows of {@code table} older than the period by {@code clockColumn} go. */
    public record Rule(String store, String table, String category, String clockColumn, int defaultDays, Integer floorYears,
                       String ground, String tenantColumn) {
    }

    /**
     * The decision for one rule and tenant ({@code tenant} null for a table without a tenant
     * column): the cutoff, or null with the hold that keeps everything; and why.
     */
    public record Cutoff(Rule rule, String tenant, Instant cutoff, int daysApplied, String reason, String heldBy) {
        public boolean held() {
            return heldBy != null;
        }
    }

    /** The tenant-level settings and holds the rules are weighed against. */
    public record Context(Instant now, Map<String, Integer> tenantDays, Set<String> heldTenants, Set<String> heldCategories) {
    }

    private final DataMap map;

    public RetentionRules(DataMap map) {
        this.map = map;
    }

    /** The time-based rules, in map order. */
    public List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (DataMap.MappedTable t : map.tables()) {
            DataMap.Retention r = t.retention();
            if (r == null || r.trigger() != null) {
                continue;
            }
            rules.add(new Rule(t.store(), t.name(), t.category(), r.clockColumn(), r.periodDays(), r.legalFloorYears(), r.ground(),
                    r.tenantOverride() == null ? null : r.tenantOverride().via()));
        }
        return rules;
    }

    /** Every rule's cutoff per tenant (one per rule when the table has no tenant column). */
    public List<Cutoff> cutoffs(Context context) {
        List<Cutoff> cutoffs = new ArrayList<>();
        for (Rule rule : rules()) {
            if (rule.tenantColumn() == null) {
                cutoffs.add(decide(rule, null, null, context));
            } else {
                context.tenantDays().forEach((tenant, days) -> cutoffs.add(decide(rule, tenant, days, context)));
            }
        }
        return cutoffs;
    }

    /** One rule for one tenant (null: the table has no tenant column; {@code tenantDays} null: the tenant set nothing). */
    public static Cutoff decide(Rule rule, String tenant, Integer tenantDays, Context context) {
        if (context.heldCategories().contains(rule.category())) {
            return new Cutoff(rule, tenant, null, 0, "legal hold on the category " + rule.category(), "category:" + rule.category());
        }
        if (tenant != null && context.heldTenants().contains(tenant)) {
            return new Cutoff(rule, tenant, null, 0, "legal hold on the tenant", "tenant:" + tenant);
        }
        int days = tenantDays != null ? tenantDays : rule.defaultDays();
        String reason = tenantDays != null ? "the tenant's setting of " + tenantDays + " days" : "the default of " + days + " days";
        Instant cutoff = context.now().minus(days, ChronoUnit.DAYS);
        if (rule.floorYears() != null) {
            Instant floor = context.now().atZone(ZoneOffset.UTC).minusYears(rule.floorYears()).toInstant();
            if (floor.isBefore(cutoff)) {
                cutoff = floor;
                days = (int) ChronoUnit.DAYS.between(floor, context.now());
                reason = "the legal floor of " + rule.floorYears() + " years (" + rule.ground() + ")";
            }
        }
        return new Cutoff(rule, tenant, cutoff, days, reason, null);
    }

    /** A tenant's own setting must be within what the gateway promises. */
    public static void requireTenantDays(int days) {
        if (days < 1 || days > 730) {
            throw new io.quaestor.platform.problem.InvalidInputException("metadataRetentionDays",
                    "A tenant keeps request metadata for 1 to 730 days.");
        }
    }
}
