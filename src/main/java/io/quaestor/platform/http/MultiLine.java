package io.quaestor.platform.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request field that holds prose (a description, a note, a notice's wording): it may contain
 * line breaks and tabs, and bidirectional marks that right-to-left writing needs. Every other text
 * field is single-line: {@link StrictBodyReader} refuses control and bidirectional characters in it,
 * since a name, a reason or a reference that reads differently from what it holds could disguise
 * what an auditor later sees. On a map or list field the annotation applies to its values.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface MultiLine {
}
