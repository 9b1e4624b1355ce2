package io.quaestor.retention.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.security.control.Caller;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * When the nightly retention run starts: a time of day in UTC, from the database when an
 * administrator set one, else from configuration ({@code quaestor.retention.daily-at}).
 */
@ApplicationScoped
public class RetentionSchedule {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.retention.daily-at", defaultValue = "03:30")
    String configured;

    public LocalTime dailyAt() {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT daily_start FROM retention_schedule");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getObject(1, LocalTime.class) : parse(configured, "quaestor.retention.daily-at");
        } catch (SQLException e) {
            throw new IllegalStateException("the retention schedule could not be read", e);
        }
    }

    @Transactional
    public LocalTime set(String dailyAt, Caller by) {
        LocalTime time = parse(dailyAt, "dailyAt");
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO retention_schedule "
                + "(singleton, daily_start, updated_by, updated_at) VALUES (true, ?, ?, ?) ON CONFLICT (singleton) DO UPDATE SET "
                + "daily_start = excluded.daily_start, updated_by = excluded.updated_by, updated_at = excluded.updated_at")) {
            s.setObject(1, time);
            s.setString(2, by.userId().toString());
            s.setObject(3, io.quaestor.platform.persistence.Timestamps.utc(clock.instant()));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the retention schedule could not be stored", e);
        }
        audit.appendAction(by, "retention.schedule-set", "retention-schedule", "daily", null, Map.of("dailyAt", time.toString()));
        return time;
    }

    /** Today's scheduled start (UTC), which may still be ahead. */
    public Instant todaysStart() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).atTime(dailyAt()).toInstant(ZoneOffset.UTC);
    }

    static LocalTime parse(String value, String field) {
        try {
            if (value == null || !value.matches("^([01][0-9]|2[0-3]):[0-5][0-9]$")) {
                throw new DateTimeParseException("not HH:MM", String.valueOf(value), 0);
            }
            return LocalTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field, "A daily start time is HH:MM in UTC, 00:00 to 23:59.");
        }
    }
}
