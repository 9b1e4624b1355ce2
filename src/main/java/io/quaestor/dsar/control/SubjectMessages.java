package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.Regime;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Messages to data subjects about their requests: queued in the transaction of the milestone
 * (so a milestone is never without its message, nor a message without its milestone), sent by
 * {@link SubjectMessageSender}. Wording lives in {@code policy-templates/messages/}.
 */
@ApplicationScoped
public class SubjectMessages {

    public enum Kind {
        VERIFICATION_CODE("verification-code"),
        RECEIVED("received"),
        VERIFIED("verified"),
        EXTENDED("extended"),
        COMPLETED("completed"),
        PACKAGE_READY("package-ready"),
        DOWNLOAD_CODE("download-code"),
        REJECTED("rejected");

        final String template;

        Kind(String template) {
            this.template = template;
        }
    }

    /** A rendered message. */
    public record Rendered(String subject, String body) {
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z]+)}");

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.MANDATORY)
    public void queue(DataSubjectRequest request, Kind kind) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO subject_message (id, request_id, kind, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, request.getId());
            s.setString(3, kind.name());
            s.setObject(4, now);
            s.setObject(5, now);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the message could not be queued", e);
        }
    }

    /** The message for this request now, with any extra placeholders (the verification code). */
    public static Rendered render(Kind kind, DataSubjectRequest request, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(placeholders(request));
        values.putAll(extra);
        String text = template(kind.template);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        String filled = out.toString();
        int newline = filled.indexOf('\n');
        return new Rendered(filled.substring("Subject: ".length(), newline).strip(), filled.substring(newline + 1).strip() + "\n");
    }

    private static Map<String, String> placeholders(DataSubjectRequest r) {
        Map<String, String> values = new HashMap<>();
        values.put("reference", r.getReference());
        values.put("type", r.getType().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        values.put("receivedAt", r.getReceivedAt().truncatedTo(ChronoUnit.MINUTES).toString());
        values.put("dueDate", LegalClock.lastDay(r.effectiveDueAt()).toString());
        values.put("regimeRule", r.getRegime() == Regime.GDPR
                ? "Article 12(3) of the GDPR requires" : "the CCPA/CPRA requires");
        values.put("extensionReason", r.getExtensionReason() == null ? "" : r.getExtensionReason());
        values.put("ground", r.getRejectionGround() == null ? "" : r.getRejectionGround().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        values.put("groundText", r.getRejectionText() == null ? "" : r.getRejectionText());
        values.put("outcome", "");
        return values;
    }

    private static String template(String name) {
        try (InputStream in = SubjectMessages.class.getClassLoader().getResourceAsStream("policy-templates/messages/" + name + ".txt")) {
            if (in == null) {
                throw new IllegalStateException("message template " + name + " is missing from policy-templates/messages");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
