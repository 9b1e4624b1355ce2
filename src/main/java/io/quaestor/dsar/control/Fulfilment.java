package io.quaestor.dsar.control;

import io.quaestor.datamap.entity.SubjectKeys;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.security.control.Caller;

/**
 * What fulfilling a request of some type does across the stores (building an access package,
 * erasing), run outside any transaction before the request completes. It must be repeatable:
 * if the completion fails afterwards, the officer completes again and it runs again. Throwing
 * keeps the request open.
 */
public interface Fulfilment {

    boolean fulfils(RequestType type);

    /** {@code subjects}: whom the request was resolved to, by kind of subject (none found is a valid answer). */
    void fulfil(DataSubjectRequest request, SubjectKeys subjects, Caller officer);

    /** Why the request may not complete yet (a package not reviewed when review is required), or empty. */
    default java.util.Optional<String> completionBlocker(DataSubjectRequest request) {
        return java.util.Optional.empty();
    }
}
