/** Requests, their history, notes and identity challenges. */
package io.quaestor.dsar.entity;
