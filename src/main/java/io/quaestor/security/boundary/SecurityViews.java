package io.quaestor.security.boundary;

import io.quaestor.security.entity.ApiToken;
import io.quaestor.security.entity.Role;
import io.quaestor.security.entity.StaffUser;
import io.quaestor.security.entity.TokenState;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/** What the API shows of staff users and tokens: never a hash, never a secret after issuance. */
final class SecurityViews {

    private SecurityViews() {
    }

    public record UserView(UUID id, String username, String displayName, String kind, Set<String> roles,
                           boolean active, boolean passwordChangeRequired, Instant createdAt, Instant lastLoginAt, String email) {
    }

    public record TokenView(UUID id, UUID ownerId, String name, String displayPrefix, Set<String> roles,
                            String state, Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {
    }

    public record IssuedTokenView(String token, TokenView details) {
    }

    static UserView of(StaffUser user) {
        return new UserView(user.id(), user.username(), user.displayName(), user.kind().name(), names(user.roles()),
                user.active(), user.passwordChangeRequired(), user.createdAt(), user.lastLoginAt().orElse(null),
                user.email().orElse(null));
    }

    static TokenView of(ApiToken token, Instant now) {
        TokenState state = token.stateAt(now);
        return new TokenView(token.id(), token.ownerId(), token.name(), token.displayPrefix(), names(token.roles()),
                state.name(), token.createdAt(), token.expiresAt(), token.revokedAt().orElse(null),
                token.lastUsedAt().orElse(null));
    }

    static Set<String> names(Set<Role> roles) {
        return roles.stream().map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<Role> roles(Set<String> names) {
        return names.stream().map(Role::valueOf).collect(Collectors.toSet());
    }
}
