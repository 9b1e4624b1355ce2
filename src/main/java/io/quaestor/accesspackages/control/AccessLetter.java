package io.quaestor.accesspackages.control;

import io.quaestor.datamap.entity.DataMap;
import io.quaestor.documents.control.PdfDocument;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The letter that answers a request of access (Art. 15) or portability (Art. 20), written from
 * the data map that the rest of Quaestor enforces: what is held and how much, why and on what
 * basis, who receives it and under which safeguard, how long it is kept, where it came from,
 * the subject's rights and the right to complain, that prompt and completion content is not
 * kept (and whom to ask), and who among the operators looked at the data.
 */
public final class AccessLetter {

    /** Who answers: the controller, how to reach its privacy contact, where to complain, where to exercise rights. */
    public record Controller(String name, String contact, String authority, String privacyUrl) {
    }

    /** The request the letter answers. */
    public record Request(String reference, boolean portability, Instant receivedAt, Instant answeredAt, int accounts) {
    }

    private final DataMap map;
    private final Controller controller;

    public AccessLetter(DataMap map, Controller controller) {
        this.map = map;
        this.controller = controller;
    }

    public byte[] write(Request request, PackageWriter.Summary summary) {
        String title = request.portability() ? "Your data in a portable format (Article 20 GDPR)"
                : "Your personal data: a copy and the facts about it (Article 15 GDPR)";
        try (PdfDocument doc = new PdfDocument(title, controller.name(), request.answeredAt())) {
            doc.field("Request", request.reference())
                    .field("Received", day(request.receivedAt()))
                    .field("Answered", day(request.answeredAt()))
                    .field("From", controller.name() + ", " + controller.contact());
            summary.subjectRecord().forEach((label, value) -> doc.field(label, value == null ? null : PackageWriter.text(value)));
            doc.paragraph("");
            if (request.accounts() == 0) {
                doc.paragraph("We searched every store our data map lists and found no account or other personal data linked to "
                        + "the address or account in your request. The facts below describe what we would hold if we had any.");
            }
            foundAs(doc, summary);
            heldData(doc, summary);
            if (!request.portability()) {
                purposes(doc);
                recipients(doc);
                retention(doc);
                sources(doc);
                doc.heading("Automated decisions")
                        .paragraph("We make no decision about you based solely on automated processing, including profiling, "
                                + "that has legal or similarly significant effects on you.");
                operatorAccess(doc, summary);
            }
            content(doc);
            rights(doc, request.portability());
            files(doc, summary);
            return doc.toBytes();
        }
    }

    /** Where the map knows several kinds of people (users, a customer's end users): as which the request found the writer. */
    private void foundAs(PdfDocument doc, PackageWriter.Summary summary) {
        if (map.subjects().size() < 2) {
            return;
        }
        doc.heading("As whom we found you");
        doc.paragraph("Our records describe people in more than one role. We searched for you in each role that knows the "
                + "address or id in your request:");
        summary.foundAs().forEach((kind, n) -> doc.bullet("As " + kind + ": " + (n == 0 ? "not found"
                : n + (n == 1 ? " match" : " matches") + "; the files under data/" + kind + "/ hold what we have about you in this role")
                + "."));
        map.kinds().stream().filter(k -> !summary.foundAs().containsKey(k)).forEach(k -> doc.bullet("As " + k
                + ": not searched, as that role is not known by the address or id in your request."));
    }

    private void heldData(PdfDocument doc, PackageWriter.Summary summary) {
        doc.heading(summary.totalRows() == 0 ? "The data we hold about you" : "The data we hold about you, by category");
        record Held(String kind, String category) {
        }
        boolean byKind = map.subjects().size() > 1;
        Map<Held, Long> held = new LinkedHashMap<>();
        for (PackageWriter.FileEntry f : summary.files()) {
            if ("csv".equals(f.format()) && f.category() != null) {
                held.merge(new Held(byKind ? f.subjectKind() : null, f.category()), f.rows(), Long::sum);
            }
        }
        held.forEach((h, rows) -> doc.bullet((h.kind() == null ? "" : "As " + h.kind() + ", ") + h.category() + ": " + rows
                + (rows == 1 ? " record" : " records") + " (" + labels(h.category()) + ")"));
    }

    private void purposes(PdfDocument doc) {
        doc.heading("Why we use it, and on what legal basis");
        for (DataMap.MappedTable t : linkedTables()) {
            doc.bullet(t.category() + " (" + t.name() + "): " + t.purpose() + ". Legal basis: " + t.legalBasis() + ".");
        }
    }

    private void recipients(PdfDocument doc) {
        doc.heading("Who receives it");
        if (map.recipients().isEmpty()) {
            doc.paragraph("We disclose it to no one outside our organization.");
        }
        for (DataMap.Recipient r : map.recipients()) {
            doc.bullet(r.name() + " (" + r.kind().replace('-', ' ') + "): " + String.join(", ", r.categories())
                    + ". Transfer safeguard: " + r.transfer() + ".");
        }
    }

    private void retention(PdfDocument doc) {
        doc.heading("How long we keep it");
        for (DataMap.MappedTable t : linkedTables()) {
            doc.bullet(t.category() + " (" + t.name() + "): " + period(t));
        }
    }

    private static String period(DataMap.MappedTable t) {
        DataMap.Retention r = t.retention();
        String kept;
        if (r == null) {
            kept = "for as long as your account exists";
        } else if ("account-closed".equals(r.trigger())) {
            kept = "until " + r.periodDays() + " days after your account is closed";
        } else {
            kept = r.periodDays() + " days from " + r.clockColumn().replace('_', ' ')
                    + (r.tenantOverride() != null ? " (your organization may set 1 to 730 days)" : "");
        }
        if (r != null && r.legalFloorYears() != null) {
            kept += "; at least " + r.legalFloorYears() + " years by law (" + r.ground() + ")";
        }
        if (t.erasure() != null && "retain".equals(t.erasure().strategy())) {
            kept += ". If you ask us to erase your data these records stay, for this reason: " + t.erasure().ground()
                    + (t.columns().stream().anyMatch(c -> c.erasure() != null) ? ", with your personal details in them replaced or removed" : "");
        }
        return kept + ".";
    }

    private void sources(PdfDocument doc) {
        doc.heading("Where it comes from");
        Map<String, List<String>> bySource = linkedTables().stream().collect(Collectors.groupingBy(DataMap.MappedTable::source,
                LinkedHashMap::new, Collectors.mapping(DataMap.MappedTable::category, Collectors.toList())));
        bySource.forEach((source, categories) -> doc.bullet(source + ": " + categories.stream().distinct().collect(Collectors.joining(", "))));
    }

    private void operatorAccess(PdfDocument doc, PackageWriter.Summary summary) {
        long looks = summary.rows("operator-access");
        doc.heading("Who among our staff looked at your data")
                .paragraph(looks == 0 ? "No operator has looked at your data through our access controls."
                        : looks + " time(s) an operator looked at, or tried to look at, your data. Each look is listed in "
                        + "data/access-transparency/operator-access.csv with when, why (the justification and its reference) "
                        + "and whether it was allowed. Operators see customer data only under a justified, time-limited grant, "
                        + "and every look is written to a tamper-evident audit trail.");
    }

    private void content(PdfDocument doc) {
        if (map.holdsContent()) {
            doc.heading("Prompts and completions")
                    .paragraph("We keep the text of some prompts and of the models' completions. What we hold about you is in "
                            + "this package, in the files for: " + String.join(", ", map.tables().stream()
                            .filter(t -> "content".equals(t.category()) || t.columns().stream().anyMatch(c -> "content".equals(c.category())))
                            .map(DataMap.MappedTable::purpose).distinct().toList())
                            + ". It is kept no longer than our retention schedule says and is erased with the rest of your data.");
        } else {
            doc.heading("Prompts and completions")
                    .paragraph("We do not keep the content of your prompts or of the models' completions: they pass through to "
                            + "the model provider you chose and are not stored by us. We keep only the request metadata listed in "
                            + "this package (time, model, token counts, cost, status).");
        }
        map.recipients().stream().filter(r -> r.contentNote() != null)
                .forEach(r -> doc.bullet(r.name() + ": " + r.contentNote()));
    }

    private void rights(PdfDocument doc, boolean portability) {
        doc.heading("Your rights")
                .bullet("to a copy of your data and these facts (Art. 15), which this letter answers")
                .bullet("to have inaccurate data corrected (Art. 16)")
                .bullet("to have your data erased (Art. 17), except what the law makes us keep")
                .bullet("to have its processing restricted (Art. 18)")
                .bullet("to receive the data you gave us and that your use generated in a machine-readable format, and to have it "
                        + "sent to another provider (Art. 20)" + (portability ? ": this package" : ""))
                .bullet("to object to processing based on our legitimate interests (Art. 21)")
                .bullet("to withdraw consent at any time, where we rely on it")
                .paragraph("To exercise them, use " + controller.privacyUrl() + " or write to " + controller.contact() + ".");
        doc.heading("Your right to complain")
                .paragraph("You may lodge a complaint with " + controller.authority() + ". You do not need to contact us first.");
    }

    private void files(PdfDocument doc, PackageWriter.Summary summary) {
        doc.heading("Files in this package")
                .paragraph("Each dataset is given twice: as CSV (RFC 4180, with the labels above as its header row) and as JSON "
                        + "Lines. manifest.json lists every file with its SHA-256 digest and number of rows.");
        for (PackageWriter.FileEntry f : summary.files()) {
            doc.bullet(f.path() + (f.category() == null ? "" : ": " + f.rows() + (f.rows() == 1 ? " row" : " rows")) + ", SHA-256 " + f.sha256().substring(0, 16) + "…");
        }
    }

    private List<DataMap.MappedTable> linkedTables() {
        return map.tables().stream().filter(DataMap.MappedTable::linked).toList();
    }

    private String labels(String category) {
        return linkedTables().stream().filter(t -> t.category().equals(category)).flatMap(t -> t.columns().stream())
                .filter(DataMap.MappedColumn::export).map(DataMap.MappedColumn::label).distinct().collect(Collectors.joining(", "));
    }

    private static String day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
    }
}
