package io.quaestor.breach.boundary;

import jakarta.ws.rs.NameBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource under {@code incidents/{id}/...}: the incident must exist, or every operation
 * there answers 404, so an empty list never stands in for "no such incident".
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface IncidentSubResource {
}
