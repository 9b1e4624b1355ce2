package io.quaestor.access.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules of operator access, from configuration (see docs/operations.md, "Operator access"). */
@ApplicationScoped
public class AccessPolicy {

    @Inject
    @ConfigProperty(name = "quaestor.access.grant.max-duration", defaultValue = "PT4H")
    Duration maxDuration;

    @Inject
    @ConfigProperty(name = "quaestor.access.approval-window", defaultValue = "PT2H")
    Duration approvalWindow;

    @Inject
    @ConfigProperty(name = "quaestor.access.break-glass.review-within", defaultValue = "PT24H")
    Duration reviewWithin;

    @Inject
    @ConfigProperty(name = "quaestor.access.sensitive-categories", defaultValue = "billing")
    Optional<String> sensitiveCategories;

    @Inject
    @ConfigProperty(name = "quaestor.access.sensitive-tenants")
    Optional<String> sensitiveTenants;

    @Inject
    @ConfigProperty(name = "quaestor.access.recertification-interval", defaultValue = "P90D")
    Duration recertificationInterval;

    @Inject
    @ConfigProperty(name = "quaestor.access.lookup.max-rows-per-table", defaultValue = "200")
    int maxRowsPerTable;

    @Inject
    @ConfigProperty(name = "quaestor.access.reference-pattern", defaultValue = "^[A-Z][A-Z0-9]{1,9}-[0-9]{1,9}$")
    String referencePattern;

    @Inject
    @ConfigProperty(name = "quaestor.access.review.spike-factor", defaultValue = "3")
    double spikeFactor;

    @Inject
    @ConfigProperty(name = "quaestor.access.review.spike-minimum", defaultValue = "20")
    long spikeMinimum;

    /** What a valid ticket or incident reference looks like (e.g. SUP-1234, INC-42); others are flagged for review. */
    public Pattern referencePattern() {
        return Pattern.compile(referencePattern);
    }

    /** A day's reads count as a spike above this multiple of the operator's usual day... */
    public double spikeFactor() {
        return spikeFactor;
    }

    /** ...and only from this many reads, so a quiet operator's second look is not a spike. */
    public long spikeMinimum() {
        return spikeMinimum;
    }

    /** Also the default: a grant asked for without a duration lasts as long as allowed. */
    public Duration maxDuration() {
        return maxDuration;
    }

    public Duration approvalWindow() {
        return approvalWindow;
    }

    public Duration reviewWithin() {
        return reviewWithin;
    }

    public Duration recertificationInterval() {
        return recertificationInterval;
    }

    public int maxRowsPerTable() {
        return maxRowsPerTable;
    }

    /** A second person must approve access to a sensitive tenant or to any sensitive category. */
    public boolean needsApproval(String tenant, Set<String> categories) {
        return list(sensitiveTenants).contains(tenant) || categories.stream().anyMatch(list(sensitiveCategories)::contains);
    }

    /** Comma-separated lists are read as text: Payara's Config producer cannot inject Optional<List<String>>. */
    private static List<String> list(Optional<String> raw) {
        return raw.map(text -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }
}
