package io.quaestor.security.control;

import io.quaestor.platform.problem.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PasswordPolicyTest {

    @Test
    void acceptsALongVariedPassphrase() {
        assertDoesNotThrow(() -> PasswordPolicy.check("newPassword", "correct horse battery staple", "jane"));
    }

    @Test
    void refusesShortRepetitiveOrUsernameBearingPasswords() {
        for (String bad : new String[]{"short", "aaaaaaaaaaaaaaaa", "my-name-is-JANE-ok", "x".repeat(257)}) {
            InvalidInputException error = assertThrows(InvalidInputException.class,
                    () -> PasswordPolicy.check("newPassword", bad, "jane"), bad);
            assertEquals("newPassword", error.field());
        }
    }

    @Test
    void temporaryPasswordsAreLongAndUnambiguous() {
        String password = Secrets.temporaryPassword();
        assertEquals(20, password.length());
        assertEquals(-1, password.indexOf('0'));
        assertEquals(-1, password.indexOf('O'));
        assertEquals(-1, password.indexOf('l'));
    }

    @Test
    void secretsHave256BitsBehindTheirPrefix() {
        String secret = Secrets.newSecret("qst_");
        assertEquals(4 + 43, secret.length());
        assertEquals(32, java.util.Base64.getUrlDecoder().decode(secret.substring(4)).length);
    }
}
