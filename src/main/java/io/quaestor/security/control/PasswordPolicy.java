package io.quaestor.security.control;

import io.quaestor.platform.problem.InvalidInputException;

import java.util.Locale;

/** What a chosen password must be: long, not the username, not one repeated character. */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;

    private PasswordPolicy() {
    }

    public static void check(String field, String password, String username) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw new InvalidInputException(field, "A password needs at least " + MIN_LENGTH + " characters.");
        }
        if (password.length() > MAX_LENGTH) {
            throw new InvalidInputException(field, "A password may have at most " + MAX_LENGTH + " characters.");
        }
        if (password.toLowerCase(Locale.ROOT).contains(username.toLowerCase(Locale.ROOT))) {
            throw new InvalidInputException(field, "A password must not contain the username.");
        }
        if (password.chars().distinct().count() < 5) {
            throw new InvalidInputException(field, "A password needs at least 5 different characters.");
        }
    }
}
