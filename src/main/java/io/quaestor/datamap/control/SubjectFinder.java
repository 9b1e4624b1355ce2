package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectIdentifier;
import io.quaestor.datamap.entity.SubjectKeys;
import io.quaestor.platform.problem.InvalidInputException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How other features (DSAR fulfilment, retention, breach scoping) reach a subject's rows: always
 * through the active data map. There is deliberately no REST endpoint for it: an operator's read
 * of customer data must pass the audit trail's access gate, which wraps this.
 */
@ApplicationScoped
public class SubjectFinder {

    @Inject
    DataMaps maps;

    /** The engine over the map active now, seen as its first kind of subject; a reload takes effect for the next caller. */
    public SubjectRows rows() {
        return new SubjectRows(maps.active().map(), maps.subjectStore());
    }

    /** The engine over the active map seen as one kind of subject, on that kind's store. */
    public SubjectRows rows(String kind) {
        DataMap map = maps.active().map().forKind(kind);
        return new SubjectRows(map, maps.subjectStore(map));
    }

    /** An identifier read in the form the active map's store gives it (an account id as its key type). */
    public SubjectIdentifier identifier(String kind, String raw) {
        return SubjectIdentifier.of(kind, raw, maps.active().map().subject());
    }

    /**
     * The subjects an identifier points to, across every kind of subject that declares an
     * identifier of its kind. The value is read in each kind's key type; a kind whose key it cannot
     * be (text that is no UUID) simply holds no such subject. Refused (422) when no kind can read
     * it, or no kind declares the identifier.
     */
    public SubjectKeys resolve(String identifierKind, String raw) throws SQLException {
        DataMap map = maps.active().map();
        Map<String, List<Object>> found = new LinkedHashMap<>();
        InvalidInputException unreadable = null;
        boolean declared = false;
        for (DataMap.Subject kind : map.subjects()) {
            if (kind.identifier(identifierKind).isEmpty()) {
                continue;
            }
            declared = true;
            SubjectIdentifier identifier;
            try {
                identifier = SubjectIdentifier.of(identifierKind, raw, kind);
            } catch (InvalidInputException e) {
                unreadable = unreadable == null ? e : unreadable;
                continue;
            }
            found.put(kind.name(), rows(kind.name()).resolve(identifier));
        }
        if (!declared) {
            throw new InvalidInputException("kind", "This gateway's data map has no identifier of kind '" + identifierKind + "'.");
        }
        if (found.isEmpty()) {
            throw unreadable;
        }
        return new SubjectKeys(found);
    }
}
