package io.quaestor.security.entity;

public enum TokenState {
    ACTIVE,
    EXPIRED,
    REVOKED
}
