package io.quaestor.holds.entity;

/** What a hold covers: a whole tenant, one account (a data subject), or a data category of the data map. */
public enum HoldScope {
    TENANT,
    ACCOUNT,
    CATEGORY
}
