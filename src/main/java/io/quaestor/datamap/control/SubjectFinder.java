package io.quaestor.datamap.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * How other features (DSAR fulfilment, retention, breach scoping) reach a subject's rows: always
 * through the active data map. There is deliberately no REST endpoint for it: an operator's read
 * of customer data must pass the audit trail's access gate, which wraps this.
 */
@ApplicationScoped
public class SubjectFinder {

    @Inject
    DataMaps maps;

    /** The engine over the map active now, on the subjects' store; a reload takes effect for the next caller. */
    public SubjectRows rows() {
        return new SubjectRows(maps.active().map(), maps.subjectStore());
    }
}
