package io.quaestor.accesspackages.control;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CSV cells: RFC 4180 quoting, and no cell that a spreadsheet would run as a formula. */
class CsvCellTest {

    @Test
    void formulasAreDefusedAndNumbersAndQuotesStayAsTheyAre() throws Exception {
        assertEquals("'=HYPERLINK(\"\"http://x\"\")", cell("=HYPERLINK(\"http://x\")").replaceAll("^\"|\"$", ""));
        assertEquals("'@SUM(A1)", cell("@SUM(A1)"));
        assertEquals("'+cmd", cell("+cmd"));
        assertEquals("'-1+2", cell("-1+2"));
        assertEquals("-42", cell("-42"), "a negative number stays a number");
        assertEquals("+1.5e3", cell("+1.5e3"));
        assertEquals("\"a, b\"", cell("a, b"));
        assertEquals("plain", cell("plain"));
        assertEquals("", cell(""));
    }

    private static String cell(String value) throws Exception {
        StringWriter w = new StringWriter();
        PackageWriter.csv(w, value);
        return w.toString();
    }
}
