package io.quaestor.breach.control;

import io.quaestor.breach.entity.Severity;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.InputStream;
import java.io.Reader;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The one place breach deadlines are computed. Each rule of the rule set names its anchor (the
 * detection, or the responder's decision that a personal-data breach is known: awareness), a
 * period, and when it applies (severities, NIS2 scope). Deadlines are instants: hours are real
 * elapsed hours, so a daylight-saving change never moves a 72-hour clock; calendar periods (days,
 * months) are counted in UTC. Nothing pauses a clock. A rule anchored on awareness has no
 * deadline until awareness is decided.
 */
public final class BreachClock {

    public enum Anchor { DETECTED, AWARE }

    /** One rule of the set. */
    public record Rule(String code, String regime, String recipient, Anchor anchor, String period, Set<Severity> severities,
                       boolean nis2Only, String kind, String why) {
        boolean appliesTo(Severity severity, boolean nis2) {
            return (severities.isEmpty() || severities.contains(severity)) && (!nis2Only || nis2);
        }
    }

    /** What the clock needs to know about an incident. */
    public record Facts(Instant detectedAt, Instant awareAt, Severity severity, boolean nis2) {
    }

    /** An obligation with its deadline; {@code dueAt} null while its anchor (awareness) is undecided. */
    public record Due(Rule rule, Instant dueAt) {
    }

    private final String version;
    private final List<Rule> rules;

    public BreachClock(String version, List<Rule> rules) {
        this.version = version;
        this.rules = List.copyOf(rules);
    }

    public String version() {
        return version;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Every obligation the incident's facts create, in rule order. */
    public List<Due> obligations(Facts facts) {
        List<Due> due = new ArrayList<>();
        for (Rule rule : rules) {
            if (!rule.appliesTo(facts.severity(), facts.nis2())) {
                continue;
            }
            Instant anchor = rule.anchor() == Anchor.DETECTED ? facts.detectedAt() : facts.awareAt();
            due.add(new Due(rule, anchor == null ? null : add(anchor, rule.period())));
        }
        return due;
    }

    /** The moment {@code percent} (1..99) of the window from anchor to deadline has passed, to the millisecond. */
    public static Instant pointInWindow(Instant anchor, Instant due, int percent) {
        long window = Duration.between(anchor, due).toMillis();
        return anchor.plusMillis(window * Math.max(1, Math.min(99, percent)) / 100);
    }

    /** How much of the window from anchor to deadline has passed at a moment, in whole percent (100 for an empty window). */
    public static int percentOfWindow(Instant anchor, Instant due, Instant at) {
        long window = Duration.between(anchor, due).toMillis();
        return window <= 0 ? 100 : (int) Math.round(100.0 * Duration.between(anchor, at).toMillis() / window);
    }

    /** Adds an ISO 8601 period: time-based (PT72H) as elapsed time, date-based (P7D, P1M) on the UTC calendar. */
    public static Instant add(Instant from, String period) {
        if (period.startsWith("PT")) {
            return from.plus(Duration.parse(period));
        }
        return from.atZone(ZoneOffset.UTC).plus(Period.parse(period)).toInstant();
    }

    /** Reads and checks a rule set; a malformed one names the rule and the problem. */
    public static BreachClock read(Reader json) {
        JsonObject document = Json.createReader(json).readObject();
        List<Rule> rules = new ArrayList<>();
        Set<String> codes = new java.util.HashSet<>();
        for (JsonValue value : document.getJsonArray("rules")) {
            JsonObject r = value.asJsonObject();
            String code = r.getString("code");
            if (!codes.add(code)) {
                throw new IllegalArgumentException("breach rule " + code + " is declared twice");
            }
            String period = r.getString("period");
            try {
                add(Instant.EPOCH, period);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("breach rule " + code + ": period '" + period + "' is not ISO 8601");
            }
            Set<Severity> severities = EnumSet.noneOf(Severity.class);
            if (r.containsKey("severities")) {
                r.getJsonArray("severities").getValuesAs(JsonString.class).forEach(s -> severities.add(Severity.valueOf(s.getString())));
            }
            rules.add(new Rule(code, r.getString("regime"), r.getString("recipient"),
                    Anchor.valueOf(r.getString("anchor").toUpperCase(java.util.Locale.ROOT)), period, severities,
                    r.getBoolean("nis2", false), r.getString("kind", "notify"), r.getString("why", "")));
        }
        return new BreachClock(document.getString("version"), rules);
    }

    /** The shipped rule set (policy-templates/breach/obligations.json). */
    public static BreachClock shipped() {
        try (InputStream in = BreachClock.class.getClassLoader().getResourceAsStream("policy-templates/breach/obligations.json")) {
            if (in == null) {
                throw new IllegalStateException("policy-templates/breach/obligations.json is missing from the build");
            }
            return read(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
