package io.quaestor.documents.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The fixed wording of the documents in one language, from
 * {@code policy-templates/documents/texts-<language>.properties}; {@code {0}}, {@code {1}} ... are
 * filled in order. A missing key is an error at once, never a document with a hole in it.
 */
final class Texts {

    final String language;
    private final Properties texts = new Properties();

    Texts(String language) {
        if (!DocumentGenerator.LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("no document texts in " + language);
        }
        this.language = language;
        load("policy-templates/documents/texts-" + language + ".properties");
        load("dpa/texts-" + language + ".properties");
    }

    private void load(String path) {
        try (InputStream in = Texts.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing");
            }
            texts.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String s(String key) {
        String text = texts.getProperty(key);
        if (text == null) {
            throw new IllegalStateException("policy-templates/documents/texts-" + language + ".properties has no " + key);
        }
        return text;
    }

    boolean has(String key) {
        return texts.containsKey(key);
    }

    String f(String key, Object... values) {
        String text = s(key);
        for (int i = 0; i < values.length; i++) {
            text = text.replace("{" + i + "}", String.valueOf(values[i]));
        }
        return text;
    }

    String title(DocumentGenerator.Kind kind) {
        return s("title." + kind.slug);
    }
}
