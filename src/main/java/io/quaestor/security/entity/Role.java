package io.quaestor.security.entity;

/** The roles of Quaestor. {@link Names} holds them as constants for {@code @RolesAllowed}. */
public enum Role {
    /** Works data-subject requests, approves sensitive access grants. */
    PRIVACY_OFFICER,
    /** Reads the audit trail and verification evidence; changes nothing. */
    AUDITOR,
    /** Files and works personal-data breaches. */
    INCIDENT_RESPONDER,
    /** Gateway support staff: sees customer data only under an access grant. */
    OPERATOR,
    /** Manages staff, tokens and configuration. */
    ADMIN,
    /** The gateway itself, calling Quaestor machine to machine. */
    GATEWAY;

    public static final class Names {
        public static final String PRIVACY_OFFICER = "PRIVACY_OFFICER";
        public static final String AUDITOR = "AUDITOR";
        public static final String INCIDENT_RESPONDER = "INCIDENT_RESPONDER";
        public static final String OPERATOR = "OPERATOR";
        public static final String ADMIN = "ADMIN";
        public static final String GATEWAY = "GATEWAY";
        /** Every role, for Bean Validation of role names in request bodies. */
        public static final String PATTERN = "PRIVACY_OFFICER|AUDITOR|INCIDENT_RESPONDER|OPERATOR|ADMIN|GATEWAY";

        private Names() {
        }
    }
}
