/** Writing and reading staff notifications. */
package io.quaestor.notifications.control;
