/** The access gate, the grant lifecycle, recertification and the daily review. */
package io.quaestor.access.control;
