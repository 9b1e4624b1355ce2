package io.quaestor.dsar.entity;

/** The legal grounds on which a request may be refused; OTHER must be explained in text. */
public enum RejectionGround {
    IDENTITY_NOT_VERIFIED,
    MANIFESTLY_UNFOUNDED_OR_EXCESSIVE,
    THIRD_PARTY_RIGHTS,
    LEGAL_RETENTION_DUTY,
    OTHER
}
