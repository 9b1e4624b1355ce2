/** A legal hold and what it covers. */
package io.quaestor.holds.entity;
