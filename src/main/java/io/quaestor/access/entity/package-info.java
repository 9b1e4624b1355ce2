/** Access grants and operator recertifications. */
package io.quaestor.access.entity;
