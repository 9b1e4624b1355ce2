package io.quaestor.breach.entity;

/** The severity scale of the gateways' SLA: Critical (key leak, data breach, auth bypass) down to Low. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW
}
