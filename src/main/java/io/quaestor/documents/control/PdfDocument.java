package io.quaestor.documents.control;

import com.ibm.icu.text.ArabicShaping;
import com.ibm.icu.text.ArabicShapingException;
import com.ibm.icu.text.Bidi;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.TimeZone;

/**
 * A plain, readable A4 document: headings, paragraphs, bullets and label-value lines, flowing over
 * as many pages as needed. Text in any script renders: each character is drawn with the first
 * embedded font that has it (DejaVu Sans, then Droid Sans Fallback for CJK), and right-to-left
 * text is shaped and reordered before it is placed, since PDFBox places glyphs as given.
 * Fonts are embedded as subsets, so a letter stays small.
 */
public final class PdfDocument implements AutoCloseable {

    private static final float MARGIN = 56;
    private static final float BODY_SIZE = 10.5f;
    private static final float HEADING_SIZE = 13;
    private static final float TITLE_SIZE = 17;
    private static final float LEADING = 1.35f;
    private static final String FONTS = "/io/quaestor/documents/fonts/";
    private static final byte[] REGULAR = font("DejaVuSans.ttf");
    private static final byte[] BOLD = font("DejaVuSans-Bold.ttf");
    private static final byte[] FALLBACK = font("DroidSansFallbackFull.ttf");

    private final PDDocument document = new PDDocument();
    private final Face regular;
    private final Face bold;
    private final Face fallback;
    private PDPageContentStream page;
    private float y;

    private record Face(PDType0Font font, TrueTypeFont ttf) {
        boolean has(int codePoint) throws IOException {
            return ttf.getUnicodeCmapLookup().getGlyphId(codePoint) != 0;
        }
    }

    private record Run(Face face, String text) {
    }

    public PdfDocument(String title, String author, Instant created) {
        try {
            regular = load(REGULAR);
            bold = load(BOLD);
            fallback = load(FALLBACK);
            PDDocumentInformation info = document.getDocumentInformation();
            info.setTitle(title);
            info.setAuthor(author);
            info.setProducer("Quaestor");
            Calendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
            calendar.setTimeInMillis(created.toEpochMilli());
            info.setCreationDate(calendar);
            newPage();
            write(bold, TITLE_SIZE, title, 0);
            y -= 6;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PdfDocument heading(String text) {
        y -= 8;
        ensureRoom(HEADING_SIZE * LEADING * 2);
        return flow(bold, HEADING_SIZE, text, 0);
    }

    public PdfDocument paragraph(String text) {
        flow(regular, BODY_SIZE, text, 0);
        y -= 4;
        return this;
    }

    public PdfDocument bullet(String text) {
        return flow(regular, BODY_SIZE, "•  " + text, 12);
    }

    public PdfDocument field(String label, String value) {
        return flow(regular, BODY_SIZE, label + ": " + (value == null || value.isEmpty() ? "—" : value), 0);
    }

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTo(out);
        return out.toByteArray();
    }

    public void writeTo(OutputStream out) {
        try {
            page.close();
            document.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            document.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PdfDocument flow(Face face, float size, String text, float indent) {
        try {
            // Explicit direction controls are shown, not obeyed: text must not reorder itself to read as something else.
            for (String paragraph : io.quaestor.platform.http.TextRules.visible(text).split("\n", -1)) {
                for (String line : wrap(face, size, paragraph, PDRectangle.A4.getWidth() - 2 * MARGIN - indent)) {
                    write(face, size, line, indent);
                }
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(Face face, float size, String logicalLine, float indent) throws IOException {
        ensureRoom(size * LEADING);
        y -= size * LEADING;
        page.beginText();
        page.newLineAtOffset(MARGIN + indent, y);
        for (Run run : runs(face, visual(logicalLine))) {
            page.setFont(run.face().font(), size);
            page.showText(run.text());
        }
        page.endText();
    }

    /** Words that fit the width; a word wider than a line (CJK has no spaces) breaks between characters. */
    private List<String> wrap(Face face, float size, String text, float width) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (width(face, size, candidate) <= width) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (!line.isEmpty()) {
                lines.add(line.toString());
                line.setLength(0);
            }
            for (int i = 0; i < word.length(); ) {
                int cp = word.codePointAt(i);
                String next = line.toString() + Character.toString(cp);
                if (!line.isEmpty() && width(face, size, next) > width) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
        }
        lines.add(line.toString());
        return lines;
    }

    private float width(Face face, float size, String text) throws IOException {
        float width = 0;
        for (Run run : runs(face, visual(text))) {
            width += run.face().font().getStringWidth(run.text()) / 1000 * size;
        }
        return width;
    }

    /** Consecutive characters drawn with the same font; a character no font has becomes '?'. */
    private List<Run> runs(Face preferred, String text) throws IOException {
        List<Run> runs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        Face currentFace = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            Face face = preferred.has(cp) ? preferred : fallback.has(cp) ? fallback : preferred;
            String glyph = face.has(cp) ? Character.toString(cp) : "?";
            if (face != currentFace && !current.isEmpty()) {
                runs.add(new Run(currentFace, current.toString()));
                current.setLength(0);
            }
            currentFace = face;
            current.append(glyph);
        }
        if (!current.isEmpty()) {
            runs.add(new Run(currentFace, current.toString()));
        }
        return runs;
    }

    /** Arabic letters joined into their contextual forms, and right-to-left runs put in display order. */
    static String visual(String logical) {
        if (!Bidi.requiresBidi(logical.toCharArray(), 0, logical.length())) {
            return logical;
        }
        try {
            String shaped = new ArabicShaping(ArabicShaping.LETTERS_SHAPE | ArabicShaping.TEXT_DIRECTION_LOGICAL).shape(logical);
            return new Bidi(shaped, Bidi.LEVEL_DEFAULT_LTR).writeReordered(Bidi.DO_MIRRORING);
        } catch (ArabicShapingException e) {
            return logical;
        }
    }

    private void ensureRoom(float height) {
        if (y - height < MARGIN) {
            try {
                page.close();
                newPage();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void newPage() throws IOException {
        PDPage next = new PDPage(PDRectangle.A4);
        document.addPage(next);
        page = new PDPageContentStream(document, next);
        y = PDRectangle.A4.getHeight() - MARGIN;
    }

    private Face load(byte[] bytes) throws IOException {
        TrueTypeFont ttf = new TTFParser().parse(new RandomAccessReadBuffer(bytes));
        return new Face(PDType0Font.load(document, ttf, true), ttf);
    }

    private static byte[] font(String name) {
        try (InputStream in = PdfDocument.class.getResourceAsStream(FONTS + name)) {
            if (in == null) {
                throw new IllegalStateException("font " + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
