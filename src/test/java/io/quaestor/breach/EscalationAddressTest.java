package io.quaestor.breach;

import io.quaestor.breach.control.EscalationContacts;
import io.quaestor.platform.outbox.Retry;
import io.quaestor.platform.problem.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Webhook addresses are https unless the test setting allows http; escalation retries double from their base up to an hour. */
class EscalationAddressTest {

    @Test
    void aWebhookMustBeHttpsWithoutCredentials() {
        assertDoesNotThrow(() -> EscalationContacts.requireWebhookUrl("https://pager.example/hooks/q", false));
        for (String bad : new String[] {"http://pager.example/q", "ftp://pager.example/q", "https://user:pw@pager.example/q", "/relative",
                "https://", "not a url at all"}) {
            assertEquals("address", assertThrows(InvalidInputException.class, () -> EscalationContacts.requireWebhookUrl(bad, false)).field(), bad);
        }
        assertDoesNotThrow(() -> EscalationContacts.requireWebhookUrl("http://127.0.0.1:13081/q", true), "the test setting allows http");
    }

    @Test
    void retriesDoubleFromTheBaseUpToAnHour() {
        assertEquals(Duration.ofSeconds(1), Retry.pauseAfter(0, Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(8), Retry.pauseAfter(3, Duration.ofSeconds(1)));
        assertEquals(Duration.ofHours(1), Retry.pauseAfter(30, Duration.ofMinutes(1)));
        assertEquals(Duration.ofMinutes(4), Retry.pauseAfter(2));
    }
}
