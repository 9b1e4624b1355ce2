/** The application clock (UTC). */
package io.quaestor.platform.time;
