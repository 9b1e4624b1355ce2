package io.quaestor.security.control;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthorizationAccessTest {

    @RolesAllowed("ADMIN")
    static class Declared {
        public void inherits() {
        }

        @PermitAll
        public void open() {
        }

        @DenyAll
        public void closed() {
        }

        @RolesAllowed("AUDITOR")
        @AllowedBeforePasswordChange
        public void auditors() {
        }
    }

    static class Undeclared {
        public void nothing() {
        }
    }

    @Test
    void methodDeclarationsOverrideTheClass() throws Exception {
        assertEquals(Set.of("ADMIN"), access(Declared.class, "inherits").roles());
        assertTrue(access(Declared.class, "open").permitAll());
        assertFalse(access(Declared.class, "closed").permitAll());
        assertTrue(access(Declared.class, "closed").roles().isEmpty());
        AuthorizationFeature.Access auditors = access(Declared.class, "auditors");
        assertEquals(Set.of("AUDITOR"), auditors.roles());
        assertTrue(auditors.allowedBeforePasswordChange());
        assertFalse(access(Declared.class, "inherits").allowedBeforePasswordChange());
    }

    @Test
    void nothingDeclaredMeansNobody() throws Exception {
        AuthorizationFeature.Access access = access(Undeclared.class, "nothing");
        assertFalse(access.permitAll());
        assertTrue(access.roles().isEmpty());
    }

    private static AuthorizationFeature.Access access(Class<?> type, String method) throws Exception {
        return AuthorizationFeature.Access.of(type.getMethod(method), type);
    }
}
