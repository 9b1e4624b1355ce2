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

/**
 * Limits public intake per source address (per hour) and per email address (per day), with
 * fixed-window counters in PostgreSQL keyed by HMACs, so neither address is stored in clear and
 * every instance counts together.
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

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void count(String address, byte[] emailKey) {
        Instant now = clock.instant();
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        Instant day = now.truncatedTo(ChronoUnit.DAYS);
        boolean addressOver = hit(serverKey.hmac("dsar-intake", "address:" + address), hour) > perAddress;
        boolean emailOver = emailKey != null && hit(emailKey, day) > perEmail;
        if (addressOver || emailOver) {
            Instant reset = addressOver ? hour.plus(Duration.ofHours(1)) : day.plus(Duration.ofDays(1));
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
