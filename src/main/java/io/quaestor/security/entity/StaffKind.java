package io.quaestor.security.entity;

/** A person signs in with a password; a service (the gateway) only ever calls with a token. */
public enum StaffKind {
    PERSON,
    SERVICE
}
