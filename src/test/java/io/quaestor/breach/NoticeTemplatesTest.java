package io.quaestor.breach;

import io.quaestor.breach.control.NoticeTemplates;
import io.quaestor.platform.problem.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped notice templates use only known placeholders and say what the promise names; a bad template is refused, naming why. */
class NoticeTemplatesTest {

    @Test
    void everyShippedLanguageFillsEveryFieldThePromiseNames() throws Exception {
        for (String language : new String[] {"en", "de"}) {
            NoticeTemplates.Template t = NoticeTemplates.parse(language, java.nio.file.Files.readString(
                    java.nio.file.Path.of("policy-templates/breach/notices/user-notice." + language + ".txt")), "templates." + language);
            Map<String, String> values = new HashMap<>();
            NoticeTemplates.PLACEHOLDERS.forEach(p -> values.put(p, "<" + p + ">"));
            String body = t.render(values);
            for (String field : new String[] {"whatHappened", "scope", "dataCategories", "remediation", "prevention", "contact", "authority"}) {
                assertTrue(body.contains("<" + field + ">"), language + " notice says " + field);
            }
            assertFalse(body.contains("${"), language + ": nothing left unfilled");
            assertTrue(t.renderSubject(values).contains("<reference>"));
            assertFalse(java.nio.file.Files.readString(java.nio.file.Path.of("policy-templates/breach/notices/what-you-can-do." + language
                    + ".txt")).isBlank(), language + " ships its default advice to users");
        }
    }

    @Test
    void anUnknownPlaceholderIsRefusedByName() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NoticeTemplates.parse("en",
                "Subject: Notice\nDear ${firstName}, ${whatHappened} ${ whatHappened}", "templates.en"));
        assertEquals("templates.en", e.field());
        assertTrue(e.getMessage().contains("${firstName}") && e.getMessage().contains("${ whatHappened}"), e.getMessage());
    }

    @Test
    void aTemplateWithoutSubjectOrBodyOrWithABadLanguageIsRefused() {
        assertThrows(InvalidInputException.class, () -> NoticeTemplates.parse("en", "Dear user", "t"));
        assertThrows(InvalidInputException.class, () -> NoticeTemplates.parse("en", "Subject: x\n   ", "t"));
        assertEquals("language", assertThrows(InvalidInputException.class, () -> NoticeTemplates.parse("english", "Subject: x\nbody", "language"))
                .field());
        assertTrue(NoticeTemplates.shipped("../../etc").isEmpty());
    }
}
