package io.quaestor.security;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import io.quaestor.testing.ResourceScan;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deny by default, checked at build time: every JAX-RS resource method in the WAR declares on
 * itself who may call it. A method that relies on a class-level default, or declares nothing,
 * fails the build.
 */
class RoleDeclarationTest {

    @Test
    void everyResourceMethodDeclaresItsRoles() throws Exception {
        List<Method> resourceMethods = ResourceScan.resourceMethods();
        assertTrue(resourceMethods.size() >= 10, "the scan found the resources (" + resourceMethods.size() + ")");
        List<String> undeclared = new ArrayList<>();
        for (Method method : resourceMethods) {
            long declarations = Stream.of(RolesAllowed.class, PermitAll.class, DenyAll.class)
                    .filter(method::isAnnotationPresent).count();
            if (declarations != 1) {
                undeclared.add(method.getDeclaringClass().getSimpleName() + "." + method.getName());
            }
        }
        assertEquals(List.of(), undeclared, "methods without exactly one role declaration");
    }

    @Test
    void rolesNamedInDeclarationsExist() throws Exception {
        for (Method method : ResourceScan.resourceMethods()) {
            RolesAllowed allowed = method.getAnnotation(RolesAllowed.class);
            if (allowed != null) {
                assertTrue(allowed.value().length > 0, method + " allows nobody");
                Arrays.stream(allowed.value()).forEach(io.quaestor.security.entity.Role::valueOf);
            }
        }
    }
}
