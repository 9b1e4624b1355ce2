package io.quaestor.platform.logging;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StructuredLogTest {

    @Test
    void masksEmailAddressesIpAddressesAndTokens() {
        String masked = StructuredLog.mask("user jane.doe+x@example.co.uk from 203.0.113.7 and 2001:db8:85a3::8a2e:370:7334 "
                + "with qst_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
        assertFalse(masked.contains("jane.doe"));
        assertFalse(masked.contains("203.0.113.7"));
        assertFalse(masked.contains("2001:db8"));
        assertFalse(masked.contains("qst_abc"));
        assertTrue(masked.contains("<email>") && masked.contains("<ip>") && masked.contains("<token>"));
    }

    @Test
    void leavesIdentifiersAndCountsAlone() {
        String id = "6f1c1a8e-55d5-4d5e-9a4e-0c1b2c3d4e5f";
        assertEquals(id, StructuredLog.mask(id));
        assertEquals("42", StructuredLog.mask("42"));
    }

    @Test
    void writesTheEventAndItsFieldsAsOneParameterMap() {
        Logger logger = Logger.getLogger(StructuredLogTest.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            public void publish(LogRecord record) {
                records.add(record);
            }

            public void flush() {
            }

            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            StructuredLog.of(StructuredLogTest.class).info("thing.happened", Map.of("target", "someone@example.org"));
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(1, records.size());
        Map<?, ?> fields = (Map<?, ?>) records.get(0).getParameters()[0];
        assertEquals("thing.happened", fields.get("event"));
        assertEquals("<email>", fields.get("target"));
    }

    @Test
    void describesFailuresWithoutTheirPersonalData() {
        String text = StructuredLog.describe(new IllegalStateException("Key (email)=(a@b.example) already exists",
                new RuntimeException("from 10.1.2.3")));
        assertTrue(text.contains("IllegalStateException"));
        assertFalse(text.contains("a@b.example"));
        assertFalse(text.contains("10.1.2.3"));
    }
}
