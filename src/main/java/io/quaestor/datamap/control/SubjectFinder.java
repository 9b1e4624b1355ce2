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

    /** An identifier read in the form the active map's store gives it (an account id as its key type). */
    public io.quaestor.datamap.entity.SubjectIdentifier identifier(String kind, String raw) {
        return io.quaestor.datamap.entity.SubjectIdentifier.of(kind, raw, maps.active().map().subject());
    }
}
