package io.quaestor.access.entity;

/** Why an operator needs to see customer data; every grant and every audited read carries one. */
public enum JustificationCode {
    CUSTOMER_SUPPORT,
    PRODUCTION_ALERT,
    SECURITY_REVIEW,
    LEGAL_REQUEST,
    DSAR_FULFILMENT,
    BREACH_INVESTIGATION
}
