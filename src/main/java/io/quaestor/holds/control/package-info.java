/** Placing, releasing and finding the holds that apply. */
package io.quaestor.holds.control;
