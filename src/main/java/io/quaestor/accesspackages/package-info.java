/**
 * Access (Art. 15) and portability (Art. 20) packages: a ZIP per request with the subject's rows
 * as CSV and JSON Lines, their operator-access history, a manifest with digests and a PDF letter;
 * sealed at rest, handed over through a single-use link after a fresh code, deleted on schedule.
 */
package io.quaestor.accesspackages;
