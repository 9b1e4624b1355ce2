package io.quaestor.dsar.entity;

/** The law whose clock a request runs on, chosen from the subject's region and recorded on the request. */
public enum Regime {
    /** GDPR (and UK GDPR): one month from receipt, extendable once by two further months (Art. 12(3)). */
    GDPR,
    /** CCPA/CPRA: 45 days from receipt, extendable once by 45 more (Cal. Civ. Code 1798.130). */
    CCPA;

    /** California residents are under the CCPA; everyone else gets the GDPR clock, the stricter default. */
    public static Regime forRegion(SubjectRegion region) {
        return region == SubjectRegion.US_CA ? CCPA : GDPR;
    }
}
