/** The breach clock, incidents, obligations and their reminders. */
package io.quaestor.breach.control;
