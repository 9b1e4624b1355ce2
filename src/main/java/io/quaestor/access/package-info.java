/**
 * Operator access to customer data: access grants (why, what, until when), approval by a second
 * person for sensitive scopes, break-glass with mandatory review, the recertification of each
 * operator's standing permission, and the gate every look at customer data passes through.
 */
package io.quaestor.access;
