/**
 * Personal-data breaches: incidents on clocks that cannot be forgotten. The obligations an
 * incident creates (users, authority, severity SLA, NIS2 stages) come from one rule set in
 * policy-templates/breach/obligations.json, computed in one tested place ({@code BreachClock}).
 */
package io.quaestor.breach;
