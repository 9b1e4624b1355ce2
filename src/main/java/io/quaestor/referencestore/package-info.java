/**
 * The reference gateway store: the schema an AI API gateway of the kind in the brief keeps (its
 * own Flyway migrations, in the gateway's database) and a fast generator of realistic data for
 * it. The embedded demo and the tests run against it; a real deployment points the data map at
 * the gateway's own store instead and never enables this.
 */
package io.quaestor.referencestore;
