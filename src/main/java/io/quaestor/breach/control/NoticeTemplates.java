package io.quaestor.breach.control;

import io.quaestor.platform.problem.InvalidInputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wording of user notices: {@code policy-templates/breach/notices/user-notice.<language>.txt},
 * or a responder's own text for one campaign. The first line is {@code Subject: ...}. A template
 * may use only the placeholders a notice fills; anything else is refused before a single notice
 * goes out, naming the placeholder.
 */
public final class NoticeTemplates {

    /** Every placeholder a notice fills: the fields the gateway's promise names and the law asks for. */
    public static final Set<String> PLACEHOLDERS = Set.of("reference", "whatHappened", "occurredAt", "detectedAt", "dataCategories",
            "scope", "remediation", "prevention", "whatYouCanDo", "contact", "authority", "controller");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2}(-[A-Z]{2})?");

    /** A checked template. */
    public record Template(String language, String subject, String body) {
        public String render(Map<String, String> values) {
            return fill(body, values);
        }

        public String renderSubject(Map<String, String> values) {
            return fill(subject, values);
        }
    }

    private NoticeTemplates() {
    }

    /** The shipped template of a language, if there is one. */
    public static Optional<String> shipped(String language) {
        return shippedText("user-notice", language);
    }

    /** The shipped default advice to users ("what you can do") in a language, if there is one. */
    public static Optional<String> shippedAdvice(String language) {
        return shippedText("what-you-can-do", language).map(String::strip);
    }

    private static Optional<String> shippedText(String name, String language) {
        if (!LANGUAGE.matcher(language).matches()) {
            return Optional.empty();
        }
        try (InputStream in = NoticeTemplates.class.getClassLoader()
                .getResourceAsStream("policy-templates/breach/notices/" + name + "." + language + ".txt")) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and checks a template; {@code field} names it in a refusal. */
    public static Template parse(String language, String text, String field) {
        if (!LANGUAGE.matcher(language).matches()) {
            throw new InvalidInputException(field, "'" + language + "' is not a language tag such as en or pt-BR.");
        }
        String normalized = text.replace("\r\n", "\n");
        if (!normalized.startsWith("Subject: ") || normalized.indexOf('\n') < 0) {
            throw new InvalidInputException(field, "A notice template starts with a line 'Subject: ...' followed by the body.");
        }
        Set<String> unknown = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(normalized);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                unknown.add("${" + m.group(1) + "}");
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidInputException(field, "Unknown placeholder " + String.join(", ", unknown) + "; a notice fills "
                    + new java.util.TreeSet<>(PLACEHOLDERS) + ".");
        }
        int newline = normalized.indexOf('\n');
        String body = normalized.substring(newline + 1).strip();
        if (body.isEmpty()) {
            throw new InvalidInputException(field, "The notice template has no body.");
        }
        return new Template(language, normalized.substring("Subject: ".length(), newline).strip(), body + "\n");
    }

    private static String fill(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
