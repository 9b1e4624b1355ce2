package io.quaestor.documents.control;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.time.Instant;

/**
 * The HTML and PDF forms of a generated document: renderings of its JSON and nothing else. The
 * HTML is a whole page with no script and no style of its own; every text is escaped.
 */
public final class DocumentRenderer {

    private DocumentRenderer() {
    }

    /** A self-contained page: no stylesheet or script, so it renders under the API's policy (default-src 'none'). */
    public static String html(JsonObject document, String version) {
        StringBuilder out = new StringBuilder("<!doctype html>\n<html lang=\"").append(escape(document.getString("language")))
                .append("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(escape(document.getString("title"))).append(" · ").append(escape(document.getString("controller")))
                .append("</title>\n</head>\n<body>\n<main class=\"document\">\n<h1>")
                .append(escape(document.getString("title"))).append("</h1>\n<p class=\"muted\">")
                .append(escape(document.getString("controller"))).append(" · ").append(escape(version)).append("</p>\n");
        for (JsonValue value : document.getJsonArray("sections")) {
            JsonObject section = value.asJsonObject();
            out.append("<section>\n<h2>").append(escape(section.getString("heading"))).append("</h2>\n");
            for (String p : strings(section.getJsonArray("paragraphs"))) {
                out.append("<p>").append(escape(p)).append("</p>\n");
            }
            if (!section.getJsonArray("items").isEmpty()) {
                out.append("<ul>\n");
                for (String item : strings(section.getJsonArray("items"))) {
                    out.append("<li>").append(escape(item)).append("</li>\n");
                }
                out.append("</ul>\n");
            }
            if (section.containsKey("table")) {
                JsonObject table = section.getJsonObject("table");
                out.append("<div class=\"table-wrap\"><table>\n<thead><tr>");
                for (String column : strings(table.getJsonArray("columns"))) {
                    out.append("<th scope=\"col\">").append(escape(column)).append("</th>");
                }
                out.append("</tr></thead>\n<tbody>\n");
                for (JsonValue row : table.getJsonArray("rows")) {
                    out.append("<tr>");
                    for (String cell : strings(row.asJsonArray())) {
                        out.append("<td>").append(escape(cell)).append("</td>");
                    }
                    out.append("</tr>\n");
                }
                out.append("</tbody>\n</table></div>\n");
            }
            out.append("</section>\n");
        }
        return out.append("</main>\n</body>\n</html>\n").toString();
    }

    public static byte[] pdf(JsonObject document, String version, Instant generatedAt) {
        try (PdfDocument pdf = new PdfDocument(document.getString("title"), document.getString("controller"), generatedAt)) {
            pdf.heading(document.getString("title"));
            pdf.paragraph(document.getString("controller") + " · " + version);
            for (JsonValue value : document.getJsonArray("sections")) {
                JsonObject section = value.asJsonObject();
                pdf.heading(section.getString("heading"));
                strings(section.getJsonArray("paragraphs")).forEach(pdf::paragraph);
                strings(section.getJsonArray("items")).forEach(pdf::bullet);
                if (section.containsKey("table")) {
                    JsonObject table = section.getJsonObject("table");
                    java.util.List<String> columns = strings(table.getJsonArray("columns"));
                    for (JsonValue row : table.getJsonArray("rows")) {
                        java.util.List<String> cells = strings(row.asJsonArray());
                        pdf.bullet(cells.get(0));
                        for (int i = 1; i < cells.size(); i++) {
                            pdf.field(columns.get(i), cells.get(i));
                        }
                    }
                }
            }
            return pdf.toBytes();
        }
    }

    private static java.util.List<String> strings(JsonArray array) {
        return array.stream().map(v -> ((JsonString) v).getString()).toList();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
