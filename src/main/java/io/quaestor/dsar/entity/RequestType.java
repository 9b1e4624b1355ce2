package io.quaestor.dsar.entity;

/** The rights a data subject exercises (GDPR Art. 15-21, CCPA/CPRA equivalents). */
public enum RequestType {
    ACCESS,
    RECTIFICATION,
    ERASURE,
    RESTRICTION,
    OBJECTION,
    CONSENT_WITHDRAWAL,
    PORTABILITY
}
