package io.quaestor.dsar.control;

import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.TooManyRequestsException;
import io.quaestor.security.control.ServerKey;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Limits what the public routes let anyone do: filings per source address, per email address
 * and per account; confirmation-code mails per request and per email address (whatever the
 * source); download-link codes and tries per link and per source. Fixed-window counters in
 * PostgreSQL keyed by HMACs, so no address or token is stored in clear and every instance counts
 * together. Every attempt counts, refused or not, so spreading one person's mail over several
 * source addresses gains nothing.
 */
@ApplicationScoped
public class IntakeThrottle {

    private static final String HIT = """
            INSERT INTO intake_throttle AS t (subject_key, window_start, hits) VALUES (?, ?, 1)
            ON CONFLICT (subject_key, window_start) DO UPDATE SET hits = t.hits + 1 RETURNING hits""";

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    ServerKey serverKey;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.intake.max-per-address-per-hour", defaultValue = "10")
    int perAddress;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.intake.max-per-email-per-day", defaultValue = "5")
    int perEmail;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.intake.max-per-account-per-day", defaultValue = "5")
    int perAccount;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.intake.max-codes-per-request-per-hour", defaultValue = "3")
    int codesPerRequest;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.intake.max-tries-per-link-per-hour", defaultValue = "10")
    int triesPerLink;

    /** One window: what is counted, over which period, up to how many. */
    private record Counter(String key, ChronoUnit period, int max) {
    }

    /** A public filing, by email address or by account id. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void filing(String address, String email, String accountId) {
        List<Counter> counters = new ArrayList<>(List.of(source("filing", address)));
        if (email != null) {
            counters.add(new Counter("email:" + limitingForm(email), ChronoUnit.DAYS, perEmail));
        }
        if (accountId != null) {
            counters.add(new Counter("account:" + accountId.strip().toLowerCase(Locale.ROOT), ChronoUnit.DAYS, perAccount));
        }
        enforce(counters);
    }

    /** A new confirmation code mailed for a request: per source, per request and, across sources, per recipient. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void codeResend(String address, UUID requestId, String email) {
        List<Counter> counters = new ArrayList<>(List.of(source("code", address),
                new Counter("resend:" + requestId, ChronoUnit.HOURS, codesPerRequest)));
        if (email != null) {
            counters.add(new Counter("email:" + limitingForm(email), ChronoUnit.DAYS, perEmail));
        }
        enforce(counters);
    }

    /** A code for, or a try at, a package download link: per source and per link. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void packageLink(String address, String token, String what) {
        enforce(List.of(source("link-" + what, address), new Counter("link-" + what + ":" + token, ChronoUnit.HOURS,
                "code".equals(what) ? codesPerRequest : triesPerLink)));
    }

    /** Per source address and purpose, so downloads do not use up the filings a household may make. */
    private Counter source(String purpose, String address) {
        return new Counter("address:" + purpose + ":" + address, ChronoUnit.HOURS, perAddress);
    }

    /**
     * The form of an address used only to count it: lower case, without a {@code +tag}, and for
     * Gmail without dots, so {@code a.b+x@gmail.com} and {@code ab@gmail.com} share one limit.
     * Never used for identity: the request keeps the address as given.
     */
    static String limitingForm(String email) {
        String lower = email.strip().toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf('@');
        if (at <= 0) {
            return lower;
        }
        String local = lower.substring(0, at);
        String domain = lower.substring(at + 1);
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        if (domain.equals("gmail.com") || domain.equals("googlemail.com")) {
            local = local.replace(".", "");
            domain = "gmail.com";
        }
        return local + "@" + domain;
    }

    private void enforce(List<Counter> counters) {
        Instant now = clock.instant();
        Instant reset = null;
        for (Counter counter : counters) {
            Instant window = now.truncatedTo(counter.period());
            if (hit(serverKey.hmac("dsar-intake", counter.key()), window) > counter.max()) {
                Instant end = window.plus(Duration.of(1, counter.period()));
                reset = reset == null || end.isAfter(reset) ? end : reset;
            }
        }
        if (reset != null) {
            throw new TooManyRequestsException("Too many requests from here or for this address; try again later.",
                    Duration.between(now, reset));
        }
    }

    private int hit(byte[] key, Instant window) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(HIT)) {
            s.setBytes(1, key);
            s.setObject(2, OffsetDateTime.ofInstant(window, ZoneOffset.UTC));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the intake throttle is unavailable", e);
        }
    }
}
