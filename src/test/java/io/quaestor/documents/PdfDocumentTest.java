package io.quaestor.documents;

import io.quaestor.documents.control.PdfDocument;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.text.Normalizer;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names in any script come back out of the PDF as they went in: the glyphs are there, in order. */
class PdfDocumentTest {

    static final String CJK = "王小明";
    static final String ARABIC = "محمد عبد الله";

    @Test
    void namesInChineseAndArabicRenderAndExtract() throws Exception {
        byte[] pdf;
        try (PdfDocument doc = new PdfDocument("Letter", "Quaestor", Instant.parse("2026-11-24T12:00:00Z"))) {
            doc.heading("Your data").field("Name", CJK).field("Other name", ARABIC).paragraph("Zoë Ødegård — Ελένη Σμιρνόβα");
            pdf = doc.toBytes();
        }
        String text = extract(pdf);
        assertTrue(text.contains(CJK), text);
        assertTrue(Normalizer.normalize(text, Normalizer.Form.NFKC).contains(ARABIC), text);
        assertTrue(text.contains("Zoë Ødegård — Ελένη Σμιρνόβα"), text);
    }

    @Test
    void directionControlsAreShownNotObeyed() throws Exception {
        byte[] pdf;
        try (PdfDocument doc = new PdfDocument("Notice", "Quaestor", Instant.EPOCH)) {
            doc.paragraph("Measures: rotated keys\u202Efdp.exe");
            pdf = doc.toBytes();
        }
        String text = extract(pdf);
        assertTrue(text.contains("rotated keys[U+202E]fdp.exe"), text);
    }

    @Test
    void longTextFlowsOverPages() throws Exception {
        byte[] pdf;
        try (PdfDocument doc = new PdfDocument("Long", "Quaestor", Instant.EPOCH)) {
            for (int i = 0; i < 200; i++) {
                doc.bullet("Line " + i + " of a long list of things that were kept, and why they were kept for so long.");
            }
            doc.paragraph("数据".repeat(400));
            pdf = doc.toBytes();
        }
        try (PDDocument parsed = Loader.loadPDF(pdf)) {
            assertTrue(parsed.getNumberOfPages() > 3);
        }
        assertTrue(extract(pdf).contains("Line 199 of a long list"));
    }

    static String extract(byte[] pdf) throws Exception {
        try (PDDocument parsed = Loader.loadPDF(pdf)) {
            assertEquals("Quaestor", parsed.getDocumentInformation().getProducer());
            return new PDFTextStripper().getText(parsed);
        }
    }
}
