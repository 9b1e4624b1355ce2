package io.quaestor.documents.boundary;

import io.quaestor.documents.control.DocumentGenerator;
import io.quaestor.documents.control.DocumentRenderer;
import io.quaestor.documents.control.DocumentSubscriptions;
import io.quaestor.documents.control.Documents;
import io.quaestor.platform.http.Params;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The documents for staff: the draft as the live configuration generates it with what it would
 * change, the published versions (by number or by the date they were in force), publishing, and
 * the promise check.
 */
@Path("documents")
@Tag(name = "Documents")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentsResource {

    /** A document kind as the API lists it. */
    public record Listed(String kind, String title, boolean isPublic, Integer latestVersion, Integer inForceVersion) {
    }

    @Inject
    Documents documents;

    @Inject
    CallerContext callers;

    @Inject
    DocumentSubscriptions subscriptions;

    @Inject
    Clock clock;

    @GET
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "The documents, each with its latest published version and the one in force now")
    public List<Listed> list(@QueryParam("language") String language) {
        String lang = language(language);
        Instant now = clock.instant();
        return Arrays.stream(DocumentGenerator.Kind.values()).map(k -> new Listed(k.slug,
                documents.generate(k, lang).getString("title"), k.isPublic,
                documents.latest(k, lang).map(Documents.Version::version).orElse(null),
                documents.inForce(k, lang, now).map(Documents.Version::version).orElse(null))).toList();
    }

    @GET
    @Path("conformance")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "The promise check: each published statement the system contradicts, with the document line and the evidence")
    public Documents.Conformance conformance() {
        return documents.check();
    }

    @GET
    @Path("conformance/history")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "The recorded runs of the promise check, newest first (limit 1 to 500, default 50): since when a promise was broken and when it held again")
    public List<Documents.Conformance> conformanceHistory(@QueryParam("limit") String limit) {
        return documents.history((int) Params.number("limit", limit, 50, 1, 500));
    }

    @GET
    @Path("{kind}/draft")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "The document as the live configuration generates it now, and what publishing it would change (material or not)")
    public Documents.Draft draft(@PathParam("kind") String kind, @QueryParam("language") String language) {
        return documents.draft(kind(kind), language(language));
    }

    @GET
    @Path("{kind}/versions")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "Every published version, newest first, each with its SHA-256, changes, and effective date")
    public List<Documents.Version> versions(@PathParam("kind") String kind, @QueryParam("language") String language) {
        return documents.versions(kind(kind), language(language));
    }

    @POST
    @Path("{kind}/versions")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Operation(summary = "Publish the document as generated now; refused while the system breaks a published promise or when nothing "
            + "changed; a material change (data kept longer, a new recipient) is proposed instead, for a second privacy officer to approve")
    public Response publish(@PathParam("kind") String kind, @QueryParam("language") String language) {
        return Response.status(201).entity(documents.publish(kind(kind), language(language), callers.require())).build();
    }

    @POST
    @Path("{kind}/versions/{version}/approval")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Operation(summary = "Approve a proposed material change (a privacy officer other than the proposer); it takes effect a notice period "
            + "from now and its notices go to the subscribers and, where configured, through the gateway webhook to account holders")
    public Documents.Version approve(@PathParam("kind") String kind, @PathParam("version") String version, @QueryParam("language") String language) {
        return documents.approve(kind(kind), language(language), number(version), callers.require());
    }

    @POST
    @Path("{kind}/versions/{version}/withdrawal")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Operation(summary = "Withdraw a proposed material change that nobody approved; it stays on record as withdrawn")
    public Documents.Version withdraw(@PathParam("kind") String kind, @PathParam("version") String version, @QueryParam("language") String language) {
        return documents.withdraw(kind(kind), language(language), number(version), callers.require());
    }

    @GET
    @Path("{kind}/versions/{version}/notices")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "The notices of a material change: per channel (email to subscribers, gateway webhook) how many were sent, are pending or failed")
    public List<DocumentSubscriptions.NoticeCount> notices(@PathParam("kind") String kind, @PathParam("version") String version,
                                                          @QueryParam("language") String language) {
        Documents.Version v = documents.require(kind(kind), language(language), number(version));
        return subscriptions.notices(v.kind(), v.language(), v.version());
    }

    private static int number(String raw) {
        return (int) Params.number("version", raw, 1, 1, Integer.MAX_VALUE);
    }

    @GET
    @Path("{kind}")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML, "application/pdf"})
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "A published version (the one in force now, or ?version=N, or the one in force on ?at=YYYY-MM-DD) as JSON, HTML or PDF")
    public Response published(@PathParam("kind") String kind, @QueryParam("language") String language,
                              @QueryParam("version") String version, @QueryParam("at") String at, @HeaderParam("Accept") String accept) {
        DocumentGenerator.Kind k = kind(kind);
        String lang = language(language);
        Documents.Version found;
        if (version != null) {
            found = documents.require(k, lang, number(version));
        } else {
            Instant when = at == null ? clock.instant() : Params.date("at", at).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusNanos(1);
            found = documents.inForce(k, lang, when).orElseThrow(() -> new NotFoundException("No version of " + k.slug + " in " + lang
                    + " was in force " + (at == null ? "now" : "on " + at) + "."));
        }
        return render(found, accept);
    }

    static Response render(Documents.Version v, String accept) {
        String label = switch (v.state()) {
            case "PROPOSED" -> "version " + v.version() + ", proposed, awaiting a second privacy officer's approval";
            case "WITHDRAWN" -> "version " + v.version() + ", withdrawn, never in force";
            default -> "version " + v.version() + ", in force from " + v.effectiveAt();
        };
        if (accept != null && accept.contains("application/pdf")) {
            return Response.ok(DocumentRenderer.pdf(v.body(), label, v.publishedAt()), "application/pdf")
                    .header("X-Document-SHA256", v.sha256()).build();
        }
        if (accept != null && accept.contains(MediaType.TEXT_HTML) && !accept.contains(MediaType.APPLICATION_JSON)) {
            return Response.ok(DocumentRenderer.html(v.body(), label), MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .header("X-Document-SHA256", v.sha256()).build();
        }
        return Response.ok(Map.of("version", v.version(), "effectiveAt", v.effectiveAt().toString(), "sha256", v.sha256(),
                "document", v.body()), MediaType.APPLICATION_JSON).build();
    }

    static DocumentGenerator.Kind kind(String slug) {
        return DocumentGenerator.Kind.of(slug).orElseThrow(() -> new NotFoundException("There is no document " + slug + "."));
    }

    static String language(String raw) {
        String lang = raw == null ? "en" : raw;
        if (!DocumentGenerator.LANGUAGES.contains(lang)) {
            throw new InvalidInputException("language", "Documents are written in " + String.join(" and ", new java.util.TreeSet<>(DocumentGenerator.LANGUAGES)) + ".");
        }
        return lang;
    }
}
