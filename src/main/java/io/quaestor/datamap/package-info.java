/**
 * The data map: one declarative file that says where personal data lives in the gateway's stores,
 * how a data subject is found and how rows link to them, each table's category, purpose, legal
 * basis and source, its retention rule and erasure strategy, and what goes into an access
 * package. DSAR fulfilment, retention and breach scoping are all driven by it. A map becomes
 * active only after it has been checked against its own rules and against the live databases.
 */
package io.quaestor.datamap;
