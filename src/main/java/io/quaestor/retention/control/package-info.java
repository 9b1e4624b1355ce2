/** Retention rules and their precedence. */
package io.quaestor.retention.control;
