package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.DataSubjectRequest;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Placeholders another feature makes at the moment a message is sent, in the sending
 * transaction (a package's download link): like verification codes, they exist in clear only in
 * the email itself.
 */
public interface MessageExtras {

    Set<SubjectMessages.Kind> kinds();

    Map<String, String> placeholders(DataSubjectRequest request, Instant now);
}
