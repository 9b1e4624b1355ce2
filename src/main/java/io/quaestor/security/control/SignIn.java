package io.quaestor.security.control;

import io.quaestor.platform.problem.QuaestorException;
import io.quaestor.security.entity.StaffUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;

/**
 * Password sign-in into a browser session. The answer to a wrong username and to a wrong password
 * is the same, and takes as long; the slow hash runs outside any database transaction.
 */
@ApplicationScoped
public class SignIn {

    @Inject
    StaffDirectory staff;

    @Inject
    PasswordHasher hasher;

    @Inject
    LoginThrottle throttle;

    @Inject
    SecurityEvents events;

    @Inject
    BrowserSessions sessions;

    public BrowserSessions.OpenedSession signIn(String username, String password, String sourceAddress) {
        throttle.checkAllowed(username, sourceAddress);
        Optional<StaffUser> candidate = staff.findByUsername(username);
        boolean valid = candidate.filter(StaffUser::canSignInWithPassword)
                .map(user -> hasher.matches(password, user.passwordHash().orElseThrow()))
                .orElseGet(() -> hasher.matchesNothing(password));
        if (!valid) {
            throttle.recordFailure(username, sourceAddress);
            events.publish("session.sign-in", candidate.map(StaffUser::id).orElse(null), "browser-session", null,
                    "denied", Map.of());
            throw new InvalidCredentialsException();
        }
        throttle.recordSuccess(username);
        return sessions.open(candidate.get().id());
    }

    /** One answer for every failed sign-in, whatever the reason. */
    public static class InvalidCredentialsException extends QuaestorException {
        private static final long serialVersionUID = 1L;

        InvalidCredentialsException() {
            super("The username or password is not correct.", null);
        }

        @Override
        public int status() {
            return 401;
        }

        @Override
        public String slug() {
            return "invalid-credentials";
        }

        @Override
        public String title() {
            return "Sign-in failed";
        }
    }
}
