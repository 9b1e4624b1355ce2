package io.quaestor.security.control;

import io.quaestor.security.entity.Role;

import java.util.Set;
import java.util.UUID;

/**
 * Who is calling, as established by the authentication mechanism for this request. The user id
 * (not the username) is what goes into logs and audit events.
 */
public record Caller(UUID userId, String username, Set<Role> roles, AuthenticationMethod method,
                     UUID credentialId, boolean passwordChangeRequired) {

    /** Where the mechanism leaves the caller: a servlet request attribute, visible to JAX-RS as a property. */
    public static final String ATTRIBUTE = Caller.class.getName();

    public enum AuthenticationMethod {
        PASSWORD_SESSION,
        BEARER_TOKEN
    }

    public Caller {
        roles = Set.copyOf(roles);
    }

    /** The roles as the audit trail records them: sorted names, comma-separated. */
    public String roleList() {
        return String.join(",", roles.stream().map(Enum::name).sorted().toList());
    }

    public boolean hasAnyRole(Set<String> names) {
        return roles.stream().anyMatch(role -> names.contains(role.name()));
    }
}
