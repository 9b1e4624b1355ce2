/** A staff member's own notifications. */
package io.quaestor.notifications.boundary;
