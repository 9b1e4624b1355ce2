/** Notifications to staff inside Quaestor: reminders and escalations of deadlines, assignments. */
package io.quaestor.notifications;
